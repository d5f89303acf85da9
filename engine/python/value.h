// Python values as corun represents them.
//
// A Value is 16 bytes: a kind tag and either an immediate (None, bool, int,
// float) or a pointer to a reference-counted Object. Reference counting (not
// a tracing GC) is deliberate: CPython frees objects at the moment their last
// reference goes, and two observable behaviours depend on that moment — the
// "coroutine ... was never awaited" and "Task exception was never retrieved"
// warnings.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/vm/budget.h"

namespace corun {

enum class ObjKind : uint8_t {
  Str, List, Tuple, Dict, Range, Type, Exception, Builtin, Function, Coroutine,
  Future, Task, Module, BoundMethod, Instance, Iterator, Handle, Loop, Anext, BigInt, Deque, Set, DictView, Bytes, Misc,
};

struct Object {
  uint32_t refs = 0;
  ObjKind okind;
  // Live objects are counted by kind, for the memory guard's report (budget.h).
  explicit Object(ObjKind k) : okind(k) { ++g_live_objects[size_t(k)]; }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  virtual ~Object() { --g_live_objects[size_t(okind)]; }
  // Pooled by size (engine/python/pool.cpp).
  static void* operator new(size_t n);
  static void operator delete(void* p, size_t n);
};

// The size-class pool behind Objects, for other small blocks (frame slots):
// a free list per 8-byte size class up to 512 bytes, one set per thread.
// Taking and giving back a block is inline; refilling a class from a new
// chunk, and blocks too big for the pool, are pool.cpp's.
struct PoolFreeLists {
  static constexpr size_t kGranule = 8;  // no Object needs more alignment than a pointer
  static constexpr size_t kMaxPooled = 512;
  static constexpr size_t kClasses = kMaxPooled / kGranule;
  struct Node { Node* next; };
  static constexpr size_t block_bytes(size_t n) { return (n + kGranule - 1) / kGranule * kGranule; }
  Node* free[kClasses + 1] = {};
};
extern thread_local constinit PoolFreeLists g_pool;
void* pool_alloc_slow(size_t n);
void pool_free_slow(void* p, size_t n);

inline void* pool_alloc(size_t n) {
  if (n <= PoolFreeLists::kMaxPooled) {
    PoolFreeLists::Node*& head = g_pool.free[(n + PoolFreeLists::kGranule - 1) / PoolFreeLists::kGranule];
    if (PoolFreeLists::Node* p = head) {
      head = p->next;
      note_pool_take(PoolFreeLists::block_bytes(n));
      return p;
    }
  }
  return pool_alloc_slow(n);
}

inline void pool_free(void* p, size_t n) {
  if (p && n <= PoolFreeLists::kMaxPooled) {
    PoolFreeLists::Node*& head = g_pool.free[(n + PoolFreeLists::kGranule - 1) / PoolFreeLists::kGranule];
    auto* node = static_cast<PoolFreeLists::Node*>(p);
    node->next = head;
    head = node;
    note_pool_give(PoolFreeLists::block_bytes(n));
    return;
  }
  pool_free_slow(p, n);
}

inline void* Object::operator new(size_t n) { return pool_alloc(n); }
inline void Object::operator delete(void* p, size_t n) { pool_free(p, n); }

inline void incref(Object* o) { if (o) ++o->refs; }
void destroy_object(Object* o);  // runs when the count reaches zero
// GCC 12, inlining a Value that holds an int or bool into code that frees
// objects, takes the int for a pointer on a path the kind check rules out
// and warns (-Warray-bounds); the warning is false there.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
inline void decref(Object* o) {
  if (o && --o->refs == 0) destroy_object(o);
}
#pragma GCC diagnostic pop

// An owning pointer to an Object subclass.
template <class T>
class Ref {
 public:
  Ref() = default;
  Ref(T* p) : p_(p) { incref(p_); }  // NOLINT: implicit by design
  Ref(const Ref& r) : p_(r.p_) { incref(p_); }
  Ref(Ref&& r) noexcept : p_(r.p_) { r.p_ = nullptr; }
  template <class U>
  Ref(const Ref<U>& r) : p_(r.get()) { incref(p_); }
  [[gnu::always_inline]] ~Ref() { decref(p_); }
  Ref& operator=(Ref r) noexcept { std::swap(p_, r.p_); return *this; }
  T* get() const { return p_; }
  // The Value-like queries, for fields that only ever hold objects.
  bool is_none() const { return !p_; }
  bool is(ObjKind k) const { return p_ && p_->okind == k; }
  template <class U>
  U* as() const { return static_cast<U*>(p_); }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  bool operator==(const Ref& o) const { return p_ == o.p_; }
  [[gnu::always_inline]] void reset() { decref(p_); p_ = nullptr; }
  T* release() { T* p = p_; p_ = nullptr; return p; }  // the caller takes the reference
  static Ref adopt(T* p) { Ref r; r.p_ = p; return r; }  // takes over a reference the caller owns

 private:
  T* p_ = nullptr;
};

enum class VKind : uint8_t { Unbound, None, Bool, Int, Float, Obj };

class Value {
 public:
  Value() : kind_(VKind::None), i_(0) {}
  static Value unbound() { Value v; v.kind_ = VKind::Unbound; return v; }
  static Value none() { return Value(); }
  static Value boolean(bool b) { Value v; v.kind_ = VKind::Bool; v.i_ = b; return v; }
  static Value integer(int64_t i) { Value v; v.kind_ = VKind::Int; v.i_ = i; return v; }
  static Value flt(double f) { Value v; v.kind_ = VKind::Float; v.f_ = f; return v; }
  // Takes over a reference the caller owns (Ref::release()); null is None.
  static Value adopt(Object* o) { Value v; if (o) { v.kind_ = VKind::Obj; v.o_ = o; } return v; }
  Value(Object* o) : kind_(o ? VKind::Obj : VKind::None), o_(o) { incref(o); }  // NOLINT
  template <class T>
  Value(const Ref<T>& r) : Value(static_cast<Object*>(r.get())) {}  // NOLINT

  // Copies and destruction run everywhere; they are forced inline.
  [[gnu::always_inline]] Value(const Value& v) : kind_(v.kind_), i_(v.i_) { if (kind_ == VKind::Obj) incref(o_); }
  Value(Value&& v) noexcept : kind_(v.kind_), i_(v.i_) { v.kind_ = VKind::None; }
  [[gnu::always_inline]] ~Value() { if (kind_ == VKind::Obj) decref(o_); }
  Value& operator=(const Value& v) {
    if (v.kind_ == VKind::Obj) incref(v.o_);
    release();
    kind_ = v.kind_; i_ = v.i_;
    return *this;
  }
  [[gnu::always_inline]] Value& operator=(Value&& v) noexcept {
    if (this != &v) { release(); kind_ = v.kind_; i_ = v.i_; v.kind_ = VKind::None; }
    return *this;
  }

  VKind kind() const { return kind_; }
  bool is_unbound() const { return kind_ == VKind::Unbound; }
  bool is_none() const { return kind_ == VKind::None; }
  bool is_bool() const { return kind_ == VKind::Bool; }
  bool is_int() const { return kind_ == VKind::Int; }
  bool is_float() const { return kind_ == VKind::Float; }
  bool is_obj() const { return kind_ == VKind::Obj; }
  bool is(ObjKind k) const { return kind_ == VKind::Obj && o_->okind == k; }
  // int or bool: Python's bool is an int subclass. (Ints beyond 64 bits
  // are BigInt objects, see is_bigint(); most code paths need only these.)
  bool is_intlike() const { return kind_ == VKind::Int || kind_ == VKind::Bool; }
  bool is_bigint() const { return kind_ == VKind::Obj && o_->okind == ObjKind::BigInt; }
  bool is_integer() const { return is_intlike() || is_bigint(); }
  bool is_number() const { return is_intlike() || kind_ == VKind::Float || is_bigint(); }

  // Hands over the object reference (leaving None); only for values that
  // are an object or None, which callers check.
  Ref<Object> take_ref() {
    if (kind_ != VKind::Obj) return Ref<Object>();
    kind_ = VKind::None;
    return Ref<Object>::adopt(o_);
  }

  bool as_bool() const { return i_ != 0; }
  int64_t as_int() const { return i_; }
  double as_float() const { return f_; }
  double as_double() const;  // int, bool, float or BigInt (which may raise OverflowError)
  Object* obj() const { return o_; }
  template <class T>
  T* as() const { return static_cast<T*>(o_); }
  // Identity, as Python's `is`.
  bool same(const Value& o) const {
    if (kind_ != o.kind_) return false;
    if (kind_ == VKind::Float) return f_ == o.f_;
    return i_ == o.i_;
  }

 private:
  void release() { if (kind_ == VKind::Obj) decref(o_); }
  VKind kind_;
  union {
    int64_t i_;
    double f_;
    Object* o_;
  };
};

// ---- Concrete objects -------------------------------------------------------

struct StrObj : Object {
  std::string s;
  explicit StrObj(std::string v) : Object(ObjKind::Str), s(std::move(v)) {}
};
struct ListObj : Object {
  std::vector<Value> items;
  ListObj() : Object(ObjKind::List) {}
  explicit ListObj(std::vector<Value> v) : Object(ObjKind::List), items(std::move(v)) {}
};
// collections.deque, for the asyncio prelude's queues (their waiters and
// items): appending and popping at either end are O(1), as in CPython.
struct DequeObj : Object {
  std::deque<Value> items;
  int64_t maxlen = -1;  // -1: None (unbounded)
  uint64_t state = 0;   // bumped by the public methods' mutations: an iterator that sees it move raises
  DequeObj() : Object(ObjKind::Deque) {}
};
// set and frozenset: SetObj, in engine/python/sets.h.
struct TupleObj : Object {
  // An instance of a collections.namedtuple class: a NamedTupleObj
  // (engine/python/collections_module.h), which holds its class. First, so
  // that it fills the bytes Object leaves spare.
  bool named = false;
  std::vector<Value> items;
  TupleObj() : Object(ObjKind::Tuple) {}
  explicit TupleObj(std::vector<Value> v) : Object(ObjKind::Tuple), items(std::move(v)) {}
};
// Insertion-ordered dict. A scan of the entries keeps small dicts (the
// common case in scenarios) cheap; past 8 entries lookups go through a hash
// index of positions, rebuilt when an erase shifts them. Keys whose
// equality the hash cannot follow (lists, ranges, huge numbers: Python
// refuses most as keys) keep the dict on scans. Write entries through
// set/erase/clear/assign only, so the index stays right.
struct DictObj : Object {
  // The collections subclass a dict is (engine/python/collections_module.cpp):
  // its type, repr and methods. First, so that it fills the bytes Object
  // leaves spare; a defaultdict is a DefaultDictObj, which adds the factory.
  enum class Flavor : uint8_t { Plain, DefaultDict, Counter, OrderedDict };
  Flavor flavor = Flavor::Plain;
  std::vector<std::pair<Value, Value>> entries;
  DictObj() : Object(ObjKind::Dict) {}
  Value* find(const Value& key);
  void set(const Value& key, Value v);
  bool erase(const Value& key);
  void clear();
  void assign(const DictObj& other);
  // OrderedDict.move_to_end: the entry for `key` goes last (or first);
  // false when there is none.
  bool move_to_end(const Value& key, bool last);

 private:
  static constexpr size_t kAbsent = ~size_t(0);
  size_t position(const Value& key) const;
  void rebuild_index() const;
  void index_insert(size_t pos) const;
  mutable std::vector<uint32_t> index_;  // entry position + 1 per slot; 0 = empty
  mutable bool index_stale_ = true;
  size_t unindexable_keys_ = 0;
};
struct RangeObj : Object {
  int64_t start, stop, step;
  RangeObj(int64_t a, int64_t b, int64_t c) : Object(ObjKind::Range), start(a), stop(b), step(c) {}
  int64_t length() const;             // raises OverflowError past int64
  unsigned __int128 length_wide() const;
};

struct TypeObj;
using Builtin = Value (*)(class Interp&, const Value& self, struct CallArgs& args);

// Builtin functions and bound builtin methods.
struct BuiltinObj : Object {
  const char* name;
  Builtin fn;
  Value self;  // bound receiver, or None
  bool binds = false;  // a Python function in CPython (a decorator's wrapper): a class attribute binds as a method
  BuiltinObj(const char* n, Builtin f, Value s = Value())
      : Object(ObjKind::Builtin), name(n), fn(f), self(std::move(s)) {}
};

// A module such as `asyncio`, `time`, `random`: attributes are looked up by name.
struct ModuleObj : Object {
  std::string name;
  std::vector<std::pair<std::string, Value>> attrs;
  explicit ModuleObj(std::string n) : Object(ObjKind::Module), name(std::move(n)) {}
  // The index of `attr` in attrs, or attrs.size() when the module has none.
  size_t index_of(std::string_view attr) const {
    for (size_t i = 0; i < attrs.size(); ++i)
      if (attrs[i].first == attr) return i;
    return attrs.size();
  }
  const Value* find(std::string_view attr) const {
    size_t i = index_of(attr);
    return i < attrs.size() ? &attrs[i].second : nullptr;
  }
};

// ---- Helpers -----------------------------------------------------------------

Value make_str(std::string s);
Value make_list(std::vector<Value> v = {});
Value make_tuple(std::vector<Value> v = {});
inline StrObj* as_str(const Value& v) { return v.as<StrObj>(); }
inline const std::string& str_of(const Value& v) { return v.as<StrObj>()->s; }

bool values_equal(const Value& a, const Value& b);
size_t value_hash(const Value& v);

}  // namespace corun
