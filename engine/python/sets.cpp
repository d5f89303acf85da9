// set and frozenset: a port of CPython 3.11's Objects/setobject.c (the
// table and the algorithms whose loops decide the order of a result), and
// hash() as Objects/longobject.c, Python/pyhash.c, tupleobject.c and
// setobject.c compute it. See engine/python/sets.h for the order rule.
#include "engine/python/sets.h"
#include "engine/python/bytes.h"

#include <cmath>
#include <cstring>

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"
#include "engine/python/recursion.h"

namespace corun {

// ---- hash() ----------------------------------------------------------------------------

namespace {

constexpr int kHashBits = 61;                          // _PyHASH_BITS
constexpr uint64_t kHashModulus = (1ull << 61) - 1;    // _PyHASH_MODULUS
constexpr int64_t kHashInf = 314159;                   // _PyHASH_INF

int64_t no_minus_one(int64_t h) { return h == -1 ? -2 : h; }

// long_hash for a value that fits in 64 bits.
int64_t hash_int64(int64_t x) {
  uint64_t mag = x < 0 ? 0 - uint64_t(x) : uint64_t(x);
  int64_t h = int64_t(mag % kHashModulus);
  return no_minus_one(x < 0 ? -h : h);
}

int64_t hash_bigint(const BigInt& v) {
  const auto& limbs = v.limbs();  // base 2**32, least significant first
  unsigned __int128 h = 0;
  for (size_t i = limbs.size(); i-- > 0;) h = ((h << 32) | limbs[i]) % kHashModulus;
  int64_t r = int64_t(uint64_t(h));
  return no_minus_one(v.is_negative() ? -r : r);
}

// _Py_HashDouble for a finite or infinite value (NaN hashes by identity).
int64_t hash_double(double v) {
  if (std::isinf(v)) return v > 0 ? kHashInf : -kHashInf;
  int e;
  double m = std::frexp(v, &e);
  int sign = 1;
  if (m < 0) { sign = -1; m = -m; }
  uint64_t x = 0;
  while (m) {  // 28 bits at a time
    x = ((x << 28) & kHashModulus) | x >> (kHashBits - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = uint64_t(m);
    m -= double(y);
    x += y;
    if (x >= kHashModulus) x -= kHashModulus;
  }
  e = e >= 0 ? e % kHashBits : kHashBits - 1 - ((-1 - e) % kHashBits);
  x = ((x << e) & kHashModulus) | x >> (kHashBits - e);
  x = x * uint64_t(int64_t(sign));
  return no_minus_one(int64_t(x));
}

// tuplehash: xxHash's mixing of the items' hashes.
constexpr uint64_t kXXPrime1 = 11400714785074694791ull;
constexpr uint64_t kXXPrime2 = 14029467366897019727ull;
constexpr uint64_t kXXPrime5 = 2870177450012600261ull;
uint64_t xx_rotate(uint64_t x) { return (x << 31) | (x >> 33); }

uint64_t shuffle_bits(uint64_t h) { return ((h ^ 89869747ull) ^ (h << 16)) * 3644798167ull; }

// An address-based hash as _Py_HashPointer makes it (rotated by 4 bits).
int64_t hash_pointer(const void* p) {
  uint64_t y = uint64_t(reinterpret_cast<uintptr_t>(p));
  return no_minus_one(int64_t((y >> 4) | (y << 60)));
}

const char* unhashable_name(Interp& in, const Value& v) {
  if (!v.is_obj()) return nullptr;
  switch (v.obj()->okind) {
    case ObjKind::List: return "list";
    case ObjKind::Dict: return "dict";
    case ObjKind::Deque: return "collections.deque";
    case ObjKind::Set: return v.as<SetObj>()->frozen ? nullptr : "set";
    case ObjKind::DictView: return v.as<DictViewObj>()->type_name();
    default: return nullptr;
  }
}

PyHash hash_of(Interp& in, const Value& v);

PyHash hash_frozenset(Interp& in, SetObj* so) {
  if (so->frozen && so->frozen_hash != -1) return {so->frozen_hash, so->others_live == 0};
  uint64_t hash = 0;
  for (const auto& e : so->table) if (e.live()) hash ^= shuffle_bits(uint64_t(e.hash));
  for (const auto& e : so->others) if (e.live()) hash ^= shuffle_bits(uint64_t(e.hash));
  hash ^= (uint64_t(so->size()) + 1) * 1927868237ull;
  hash ^= (hash >> 11) ^ (hash >> 25);
  hash = hash * 69069u + 907133923ull;
  if (hash == uint64_t(-1)) hash = 590923713ull;
  if (so->frozen) so->frozen_hash = int64_t(hash);
  return {int64_t(hash), so->others_live == 0};
}

PyHash hash_of(Interp& in, const Value& v) {
  switch (v.kind()) {
    case VKind::Unbound:
    case VKind::None: return {0x5ca1ab1e, false};  // CPython 3.11 hashes None by address
    case VKind::Bool: return {v.as_int(), true};
    case VKind::Int: return {hash_int64(v.as_int()), true};
    case VKind::Float:
      if (std::isnan(v.as_float())) return {0x7ff8, false};  // by identity in CPython
      return {hash_double(v.as_float()), true};
    case VKind::Obj: break;
  }
  if (const char* name = unhashable_name(in, v))
    in.raise(in.builtins().TypeError, std::string("unhashable type: '") + name + "'");
  switch (v.obj()->okind) {
    case ObjKind::BigInt: return {hash_bigint(v.as<BigIntObj>()->v), true};
    case ObjKind::Str: return {no_minus_one(int64_t(std::hash<std::string>()(str_of(v)))), false};
    case ObjKind::Bytes: return {no_minus_one(int64_t(std::hash<std::string>()(bytes_of(v)))), false};
    case ObjKind::Tuple: {
      NativeRecursion guard("");
      const auto& items = v.as<TupleObj>()->items;
      uint64_t acc = kXXPrime5;
      bool stable = true;
      for (const Value& item : items) {
        PyHash lane = hash_of(in, item);
        stable &= lane.stable;
        acc += uint64_t(lane.value) * kXXPrime2;
        acc = xx_rotate(acc);
        acc *= kXXPrime1;
      }
      acc += items.size() ^ (kXXPrime5 ^ 3527539ull);
      if (acc == uint64_t(-1)) return {1546275796, stable};
      return {int64_t(acc), stable};
    }
    case ObjKind::Set: return hash_frozenset(in, v.as<SetObj>());
    case ObjKind::Range: {  // range_hash: hash((len, start, step)), None for what len makes moot
      auto* r = v.as<RangeObj>();
      int64_t n = r->length();
      Value t = make_tuple({Value::integer(n), n ? Value::integer(r->start) : Value(), n > 1 ? Value::integer(r->step) : Value()});
      return hash_of(in, t);
    }
    case ObjKind::BoundMethod: {  // method_hash: self's and the function's
      auto* m = v.as<BoundMethodObj>();
      return {no_minus_one(hash_pointer(m->self.is_obj() ? m->self.obj() : nullptr) ^ hash_pointer(m->func.obj())), false};
    }
    default: return {hash_pointer(v.obj()), false};
  }
}

}  // namespace

PyHash py_hash(Interp& in, const Value& v) { return hash_of(in, v); }

// ---- the table -------------------------------------------------------------------------

namespace pyset {

namespace {

using Entry = SetObj::Entry;
constexpr size_t LINEAR_PROBES = 9;
constexpr int PERTURB_SHIFT = 5;

bool keys_match(const Value& a, const Value& b) { return a.same(b) || values_equal(a, b); }

// set_lookkey: the entry holding `key`, or the never-used slot that ends its
// probe sequence.
Entry* set_lookkey(const SetObj* so, const Value& key, int64_t hash) {
  Entry* table = const_cast<Entry*>(so->table.data());
  size_t mask = so->mask, i = size_t(hash) & mask, perturb = size_t(hash);
  while (true) {
    Entry* entry = &table[i];
    int probes = (i + LINEAR_PROBES <= mask) ? int(LINEAR_PROBES) : 0;
    do {
      if (entry->hash == 0 && !entry->live()) return entry;
      if (entry->hash == hash && entry->live() && keys_match(entry->key, key)) return entry;
      ++entry;
    } while (probes--);
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

// set_insert_clean: into a table known to hold neither `key` nor dummies.
void set_insert_clean(std::vector<Entry>& table, size_t mask, Value key, int64_t hash) {
  size_t perturb = size_t(hash), i = size_t(hash) & mask;
  while (true) {
    Entry* entry = &table[i];
    if (!entry->live()) { entry->key = std::move(key); entry->hash = hash; return; }
    if (i + LINEAR_PROBES <= mask) {
      for (size_t j = 0; j < LINEAR_PROBES; ++j) {
        ++entry;
        if (!entry->live()) { entry->key = std::move(key); entry->hash = hash; return; }
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

void set_table_resize(SetObj* so, size_t minused) {
  size_t newsize = SetObj::kMinSize;
  while (newsize <= minused) newsize <<= 1;
  reserve_items(checked_mul(newsize, 2));  // an Entry is about two Values
  std::vector<Entry> old = std::move(so->table);
  so->table.assign(newsize, Entry{});
  so->mask = newsize - 1;
  so->fill = so->used;
  for (Entry& e : old) if (e.live()) set_insert_clean(so->table, so->mask, std::move(e.key), e.hash);
}

void table_add(SetObj* so, const Value& key, int64_t hash) {
  size_t mask = so->mask, i = size_t(hash) & mask, perturb = size_t(hash);
  Entry* freeslot = nullptr;
  Entry* entry;
  while (true) {
    entry = &so->table[i];
    int probes = (i + LINEAR_PROBES <= mask) ? int(LINEAR_PROBES) : 0;
    do {
      if (entry->hash == 0 && !entry->live()) goto found_unused_or_dummy;
      if (entry->hash == hash) {
        if (entry->live() && keys_match(entry->key, key)) return;  // found_active
      } else if (entry->hash == -1) {
        freeslot = entry;
      }
      ++entry;
    } while (probes--);
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
  }
found_unused_or_dummy:
  if (freeslot) {
    ++so->used;
    freeslot->key = key;
    freeslot->hash = hash;
    return;
  }
  ++so->fill;
  ++so->used;
  entry->key = key;
  entry->hash = hash;
  if (so->fill * 5 < mask * 3) return;
  set_table_resize(so, so->used > 50000 ? so->used * 2 : so->used * 4);
}

bool table_discard(SetObj* so, const Value& key, int64_t hash) {
  Entry* entry = set_lookkey(so, key, hash);
  if (!entry->live()) return false;
  entry->key = Value::unbound();
  entry->hash = -1;
  --so->used;
  return true;
}

// ---- the others: values without a stable hash, in insertion order ----

constexpr uint32_t kGone = UINT32_MAX;

size_t index_start(int64_t hash, size_t mask) {
  uint64_t h = uint64_t(hash) * 0x9E3779B97F4A7C15ull;  // addresses end in zero bits: spread them
  return size_t(h ^ (h >> 32)) & mask;
}

// The index slot holding `key`'s position, or SIZE_MAX.
size_t others_slot(const SetObj* so, const Value& key, int64_t hash) {
  if (so->others_index.empty()) return SIZE_MAX;
  size_t mask = so->others_index.size() - 1;
  for (size_t i = index_start(hash, mask);; i = (i + 1) & mask) {
    uint32_t p = so->others_index[i];
    if (p == 0) return SIZE_MAX;
    if (p == kGone) continue;
    const Entry& e = so->others[p - 1];
    if (e.hash == hash && keys_match(e.key, key)) return i;
  }
}

size_t others_find(const SetObj* so, const Value& key, int64_t hash) {
  size_t slot = others_slot(so, key, hash);
  return slot == SIZE_MAX ? SIZE_MAX : so->others_index[slot] - 1;
}

void index_put(SetObj* so, uint32_t position_plus_one, int64_t hash) {
  size_t mask = so->others_index.size() - 1;
  size_t i = index_start(hash, mask);
  while (so->others_index[i] != 0 && so->others_index[i] != kGone) i = (i + 1) & mask;
  if (so->others_index[i] == 0) ++so->others_index_used;
  so->others_index[i] = position_plus_one;
}

// A new index for the live entries, a quarter full at most.
void others_reindex(SetObj* so, size_t live) {
  size_t cap = 8;
  while (cap < live * 4) cap *= 2;
  so->others_index.assign(cap, 0);
  so->others_index_used = 0;
  for (size_t p = 0; p < so->others.size(); ++p)
    if (so->others[p].live()) index_put(so, uint32_t(p + 1), so->others[p].hash);
}

void others_add(SetObj* so, const Value& key, int64_t hash) {
  if (others_slot(so, key, hash) != SIZE_MAX) return;
  if ((so->others_index_used + 1) * 2 > so->others_index.size()) others_reindex(so, so->others_live + 1);
  index_put(so, uint32_t(so->others.size() + 1), hash);
  so->others.push_back(Entry{key, hash});
  ++so->others_live;
}

void others_compact(SetObj* so) {
  size_t out = 0;
  for (Entry& e : so->others)
    if (e.live()) so->others[out++] = std::move(e);
  so->others.resize(out);
  others_reindex(so, out);
}

bool others_discard(SetObj* so, const Value& key, int64_t hash) {
  size_t slot = others_slot(so, key, hash);
  if (slot == SIZE_MAX) return false;
  Entry& e = so->others[so->others_index[slot] - 1];
  so->others_index[slot] = kGone;
  Value held = std::move(e.key);  // freed after the set is consistent again
  e.key = Value::unbound();
  --so->others_live;
  if (so->others.size() > 32 && so->others_live * 2 < so->others.size()) others_compact(so);
  return true;
}

// ---- entries, whichever part holds them ----

void add_entry(SetObj* so, const Value& key, PyHash h) {
  if (h.stable) table_add(so, key, h.value);
  else others_add(so, key, h.value);
}

bool discard_entry(SetObj* so, const Value& key, PyHash h) {
  return h.stable ? table_discard(so, key, h.value) : others_discard(so, key, h.value);
}

bool contains_entry(const SetObj* so, const Value& key, PyHash h) {
  if (h.stable) return set_lookkey(so, key, h.value)->live();
  return others_find(so, key, h.value) != SIZE_MAX;
}

// set_next with the entry's part: pos counts table slots, then the others.
bool next_entry(const SetObj* so, size_t& pos, const Entry*& entry, PyHash& h) {
  while (pos <= so->mask) {
    const Entry& e = so->table[pos++];
    if (e.live()) { entry = &e; h = {e.hash, true}; return true; }
  }
  while (pos - so->mask - 1 < so->others.size()) {
    const Entry& e = so->others[pos++ - so->mask - 1];
    if (e.live()) { entry = &e; h = {e.hash, false}; return true; }
  }
  return false;
}

// A set key: an unhashable set given to `in`, remove or discard is looked
// up as the frozenset of its items (set_contains_key's fallback).
PyHash key_hash(Interp& in, const Value& key) {
  if (key.is(ObjKind::Set) && !key.as<SetObj>()->frozen) return hash_frozenset(in, key.as<SetObj>());
  return hash_of(in, key);
}

// set_merge: `other` into `so`.
void set_merge(SetObj* so, const SetObj* other) {
  if (other == so || other->size() == 0) return;
  if (other->used) {
    if ((so->fill + other->used) * 5 >= so->mask * 3) set_table_resize(so, (so->used + other->used) * 2);
    charge(other->mask + 1);
    if (so->fill == 0 && so->mask == other->mask && other->fill == other->used) {
      for (size_t i = 0; i <= other->mask; ++i)
        if (other->table[i].live()) so->table[i] = other->table[i];
      so->fill = other->fill;
      so->used = other->used;
    } else if (so->fill == 0) {
      so->fill = so->used = other->used;
      for (const Entry& e : other->table) if (e.live()) set_insert_clean(so->table, so->mask, e.key, e.hash);
    } else {
      for (const Entry& e : other->table) if (e.live()) table_add(so, e.key, e.hash);
    }
  }
  for (const Entry& e : other->others) if (e.live()) others_add(so, e.key, e.hash);
}

const SetObj* as_set(const Value& v) { return v.is(ObjKind::Set) ? v.as<SetObj>() : nullptr; }

// A fresh set of the kind `like` is (make_new_set_basetype).
Ref<SetObj> new_like(const SetObj* like) { return Ref<SetObj>(new SetObj(like->frozen)); }

void swap_bodies(SetObj* a, SetObj* b) {
  std::swap(a->table, b->table);
  std::swap(a->mask, b->mask);
  std::swap(a->fill, b->fill);
  std::swap(a->used, b->used);
  std::swap(a->others, b->others);
  std::swap(a->others_live, b->others_live);
  std::swap(a->others_index, b->others_index);
  std::swap(a->others_index_used, b->others_index_used);
}

}  // namespace

void add(Interp& in, SetObj* so, const Value& key) { add_entry(so, key, hash_of(in, key)); }

bool discard(Interp& in, SetObj* so, const Value& key) { return discard_entry(so, key, key_hash(in, key)); }

bool contains(Interp& in, const SetObj* so, const Value& key) { return contains_entry(so, key, key_hash(in, key)); }

bool next(const SetObj* so, size_t& pos, const SetObj::Entry*& entry) {
  PyHash h;
  return next_entry(so, pos, entry, h);
}

std::vector<Value> items(const SetObj* so) {
  reserve_items(so->size());
  std::vector<Value> out;
  out.reserve(so->size());
  size_t pos = 0;
  const Entry* e;
  while (next(so, pos, e)) out.push_back(e->key);
  return out;
}

void update(Interp& in, SetObj* so, const Value& other) {
  if (const SetObj* o = as_set(other)) { set_merge(so, o); return; }
  if (other.is(ObjKind::Dict)) {
    const auto& entries = other.as<DictObj>()->entries;
    if ((so->fill + entries.size()) * 5 >= so->mask * 3) set_table_resize(so, (so->used + entries.size()) * 2);
    for (const auto& kv : entries) { charge_step(); add(in, so, kv.first); }
    return;
  }
  Value it = in.get_iter(other), x;
  while (in.iter_next(it, x)) {
    charge_step();
    add(in, so, x);
  }
}

void clear(SetObj* so) {
  std::vector<Entry> old_table(SetObj::kMinSize);
  std::vector<Entry> old_others;
  std::swap(old_table, so->table);  // freed after the set is consistent (a key's destructor may look)
  std::swap(old_others, so->others);
  so->mask = SetObj::kMinSize - 1;
  so->fill = so->used = 0;
  so->others_live = 0;
  so->others_index.clear();
  so->others_index_used = 0;
}

Value pop(Interp& in, SetObj* so) {
  if (so->size() == 0) in.raise(in.builtins().KeyError, "pop from an empty set");
  if (so->used) {
    size_t i = so->finger & so->mask;
    while (!so->table[i].live()) i = i + 1 > so->mask ? 0 : i + 1;
    Value key = std::move(so->table[i].key);
    so->table[i].key = Value::unbound();
    so->table[i].hash = -1;
    --so->used;
    so->finger = i + 1;
    return key;
  }
  for (Entry& e : so->others) {
    if (!e.live()) continue;
    Value key = e.key;
    others_discard(so, key, e.hash);
    return key;
  }
  return Value();
}

Ref<SetObj> make(Interp& in, const Value& iterable, bool frozen) {
  // frozenset(a frozenset) is that frozenset, as in CPython.
  if (frozen && iterable.is(ObjKind::Set) && iterable.as<SetObj>()->frozen) return Ref<SetObj>(iterable.as<SetObj>());
  Ref<SetObj> so(new SetObj(frozen));
  if (!iterable.is_unbound()) update(in, so.get(), iterable);
  return so;
}

Ref<SetObj> copy(Interp& in, const SetObj* so, bool frozen) {
  Ref<SetObj> out(new SetObj(frozen));
  set_merge(out.get(), so);
  return out;
}

Ref<SetObj> intersection(Interp& in, const SetObj* so, const Value& other) {
  if (as_set(other) == so) return copy(in, so, so->frozen);
  Ref<SetObj> result = new_like(so);
  if (const SetObj* o = as_set(other)) {
    const SetObj *big = so, *small = o;
    if (small->size() > big->size()) std::swap(big, small);
    size_t pos = 0;
    const Entry* e;
    PyHash h;
    while (next_entry(small, pos, e, h)) {
      charge_step();
      if (contains_entry(big, e->key, h)) add_entry(result.get(), e->key, h);
    }
    return result;
  }
  Value it = in.get_iter(other), x;
  while (in.iter_next(it, x)) {
    charge_step();
    PyHash h = hash_of(in, x);
    if (contains_entry(so, x, h)) {
      add_entry(result.get(), x, h);
      if (result->size() >= so->size()) break;
    }
  }
  return result;
}

void difference_update(Interp& in, SetObj* so, const Value& other) {
  if (as_set(other) == so) { clear(so); return; }
  if (const SetObj* o = as_set(other)) {
    Ref<SetObj> smaller;
    if ((o->size() >> 3) > so->size()) {
      smaller = intersection(in, so, other);
      o = smaller.get();
    }
    Ref<SetObj> keep(const_cast<SetObj*>(o));
    size_t pos = 0;
    const Entry* e;
    PyHash h;
    while (next_entry(o, pos, e, h)) {
      charge_step();
      discard_entry(so, e->key, h);
    }
  } else {
    Value it = in.get_iter(other), x;
    while (in.iter_next(it, x)) {
      charge_step();
      discard(in, so, x);
    }
  }
  // More than a quarter dummies: resize them away.
  if (so->fill - so->used <= so->mask / 4) return;
  set_table_resize(so, so->used > 50000 ? so->used * 2 : so->used * 4);
}

Ref<SetObj> difference(Interp& in, const SetObj* so, const Value& other) {
  size_t other_size;
  if (const SetObj* o = as_set(other)) other_size = o->size();
  else if (other.is(ObjKind::Dict)) other_size = other.as<DictObj>()->entries.size();
  else other_size = SIZE_MAX;
  if (other_size == SIZE_MAX || (so->size() >> 2) > other_size) {  // set_copy_and_difference
    Ref<SetObj> result = copy(in, so, so->frozen);
    difference_update(in, result.get(), other);
    return result;
  }
  Ref<SetObj> result = new_like(so);
  size_t pos = 0;
  const Entry* e;
  PyHash h;
  while (next_entry(so, pos, e, h)) {
    charge_step();
    bool found = other.is(ObjKind::Dict) ? other.as<DictObj>()->find(e->key) != nullptr
                                         : contains_entry(as_set(other), e->key, h);
    if (!found) add_entry(result.get(), e->key, h);
  }
  return result;
}

void symmetric_difference_update(Interp& in, SetObj* so, const Value& other) {
  if (as_set(other) == so) { clear(so); return; }
  auto toggle = [&](const Value& key, PyHash h) {
    charge_step();
    if (!discard_entry(so, key, h)) add_entry(so, key, h);
  };
  if (other.is(ObjKind::Dict)) {
    std::vector<std::pair<Value, Value>> entries = other.as<DictObj>()->entries;
    for (auto& kv : entries) toggle(kv.first, hash_of(in, kv.first));
    return;
  }
  Ref<SetObj> otherset = as_set(other) ? Ref<SetObj>(const_cast<SetObj*>(as_set(other))) : make(in, other, so->frozen);
  size_t pos = 0;
  const Entry* e;
  PyHash h;
  while (next_entry(otherset.get(), pos, e, h)) toggle(e->key, h);
}

bool issubset(Interp& in, const SetObj* so, const SetObj* other) {
  if (so->size() > other->size()) return false;
  size_t pos = 0;
  const Entry* e;
  PyHash h;
  while (next_entry(so, pos, e, h)) {
    charge_step();
    if (!contains_entry(other, e->key, h)) return false;
  }
  return true;
}

bool equal(const SetObj* a, const SetObj* b) {
  if (a->size() != b->size()) return false;
  if (a->frozen_hash != -1 && b->frozen_hash != -1 && a->frozen_hash != b->frozen_hash) return false;
  size_t pos = 0;
  const Entry* e;
  PyHash h;
  while (next_entry(a, pos, e, h))
    if (!contains_entry(b, e->key, h)) return false;
  return true;
}

Value display(Interp& in, std::vector<Value> elements, bool constant) {
  Ref<SetObj> so(new SetObj());
  if (constant) {
    // BUILD_SET 0; LOAD_CONST frozenset(...); SET_UPDATE. The constant is
    // made twice: the AST optimizer builds a frozenset item by item, and the
    // compiler's constant merging (merge_consts_recursive) rebuilds it from
    // that one's iteration order; then it is merged into the empty set.
    Ref<SetObj> folded(new SetObj(true));
    for (const Value& v : elements) add(in, folded.get(), v);
    Ref<SetObj> merged(new SetObj(true));
    for (const Value& v : items(folded.get())) add(in, merged.get(), v);
    set_merge(so.get(), merged.get());
  } else {
    for (const Value& v : elements) add(in, so.get(), v);
  }
  return Value(so);
}

}  // namespace pyset

// ---- methods ------------------------------------------------------------------------------

const char* const kSetMethodNames[] = {
    "add", "discard", "remove", "pop", "clear", "update", "copy", "union", "intersection", "difference",
    "symmetric_difference", "issubset", "issuperset", "isdisjoint", "intersection_update", "difference_update",
    "symmetric_difference_update", nullptr};
const char* const kFrozenSetMethodNames[] = {
    "copy", "union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint",
    nullptr};

namespace {

template <size_t N>
bool is(const std::string& name, const char (&literal)[N]) {
  return name.size() == N - 1 && std::memcmp(name.data(), literal, N - 1) == 0;
}

void no_kwargs(Interp& in, const std::string& name, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "set." + name + "() takes no keyword arguments");
}

void exactly_one(Interp& in, const char* type, const std::string& name, CallArgs& a) {
  no_kwargs(in, name, a);
  if (a.npos != 1)
    in.raise(in.builtins().TypeError, std::string(type) + "." + name + "() takes exactly one argument (" +
                                          std::to_string(a.npos) + " given)");
}

void no_args(Interp& in, const char* type, const std::string& name, CallArgs& a) {
  no_kwargs(in, name, a);
  if (a.npos)
    in.raise(in.builtins().TypeError, std::string(type) + "." + name + "() takes no arguments (" +
                                          std::to_string(a.npos) + " given)");
}

// A set for a method argument that must be one (issubset's conversion).
Ref<SetObj> as_set_arg(Interp& in, const Value& v) {
  if (v.is(ObjKind::Set)) return Ref<SetObj>(v.as<SetObj>());
  return pyset::make(in, v, false);
}

}  // namespace

Value set_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found) {
  auto* so = self.as<SetObj>();
  const char* type = so->frozen ? "frozenset" : "set";
  found = true;
  // Methods of both kinds.
  if (is(name, "copy")) {
    no_args(in, type, name, a);
    if (so->frozen) return self;
    return Value(pyset::copy(in, so, false));
  }
  if (is(name, "union")) {
    no_kwargs(in, name, a);
    Ref<SetObj> result = pyset::copy(in, so, so->frozen);
    for (size_t i = 0; i < a.npos; ++i) pyset::update(in, result.get(), a.pos[i]);
    return Value(result);
  }
  if (is(name, "intersection")) {
    no_kwargs(in, name, a);
    if (a.npos == 0) return Value(pyset::copy(in, so, so->frozen));
    Ref<SetObj> result(so);
    for (size_t i = 0; i < a.npos; ++i) result = pyset::intersection(in, result.get(), a.pos[i]);
    return Value(result);
  }
  if (is(name, "difference")) {
    no_kwargs(in, name, a);
    if (a.npos == 0) return Value(pyset::copy(in, so, so->frozen));
    Ref<SetObj> result = pyset::difference(in, so, a.pos[0]);
    for (size_t i = 1; i < a.npos; ++i) pyset::difference_update(in, result.get(), a.pos[i]);
    return Value(result);
  }
  if (is(name, "symmetric_difference")) {
    exactly_one(in, type, name, a);
    Ref<SetObj> result = pyset::make(in, a.pos[0], false);  // make_new_set_basetype(type(so), other)
    result->frozen = so->frozen;
    pyset::symmetric_difference_update(in, result.get(), self);
    return Value(result);
  }
  if (is(name, "issubset")) {
    exactly_one(in, type, name, a);
    return Value::boolean(pyset::issubset(in, so, as_set_arg(in, a.pos[0]).get()));
  }
  if (is(name, "issuperset")) {
    exactly_one(in, type, name, a);
    if (a.pos[0].is(ObjKind::Set)) return Value::boolean(pyset::issubset(in, a.pos[0].as<SetObj>(), so));
    Value it = in.get_iter(a.pos[0]), x;
    while (in.iter_next(it, x)) {
      charge_step();
      if (!pyset::contains(in, so, x)) return Value::boolean(false);
    }
    return Value::boolean(true);
  }
  if (is(name, "isdisjoint")) {
    exactly_one(in, type, name, a);
    const Value& other = a.pos[0];
    if (other.is(ObjKind::Set)) {
      const SetObj *big = so, *small = other.as<SetObj>();
      if (small == big) return Value::boolean(so->size() == 0);
      if (small->size() > big->size()) std::swap(big, small);
      for (const Value& x : pyset::items(small)) if (pyset::contains(in, big, x)) return Value::boolean(false);
      return Value::boolean(true);
    }
    Value it = in.get_iter(other), x;
    while (in.iter_next(it, x)) {
      charge_step();
      if (pyset::contains(in, so, x)) return Value::boolean(false);
    }
    return Value::boolean(true);
  }
  if (so->frozen) {
    found = false;
    return Value();
  }
  // set only: the mutating methods.
  if (is(name, "add")) {
    exactly_one(in, type, name, a);
    pyset::add(in, so, a.pos[0]);
    return Value();
  }
  if (is(name, "discard")) {
    exactly_one(in, type, name, a);
    pyset::discard(in, so, a.pos[0]);
    return Value();
  }
  if (is(name, "remove")) {
    exactly_one(in, type, name, a);
    if (!pyset::discard(in, so, a.pos[0])) throw PyException{in.make_exception_args(in.builtins().KeyError, {a.pos[0]})};
    return Value();
  }
  if (is(name, "pop")) {
    no_args(in, type, name, a);
    return pyset::pop(in, so);
  }
  if (is(name, "clear")) {
    no_args(in, type, name, a);
    pyset::clear(so);
    return Value();
  }
  if (is(name, "update")) {
    no_kwargs(in, name, a);
    for (size_t i = 0; i < a.npos; ++i) pyset::update(in, so, a.pos[i]);
    return Value();
  }
  if (is(name, "intersection_update")) {
    no_kwargs(in, name, a);
    Ref<SetObj> result(so);
    for (size_t i = 0; i < a.npos; ++i) result = pyset::intersection(in, result.get(), a.pos[i]);
    if (result.get() != so) pyset::swap_bodies(so, result.get());
    return Value();
  }
  if (is(name, "difference_update")) {
    no_kwargs(in, name, a);
    for (size_t i = 0; i < a.npos; ++i) pyset::difference_update(in, so, a.pos[i]);
    return Value();
  }
  if (is(name, "symmetric_difference_update")) {
    exactly_one(in, type, name, a);
    pyset::symmetric_difference_update(in, so, a.pos[0]);
    return Value();
  }
  found = false;
  return Value();
}

// ---- operators ----------------------------------------------------------------------------

namespace {

bool is_set_view(const Value& v) {
  return v.is(ObjKind::DictView) && v.as<DictViewObj>()->which != DictViewObj::Values;
}

// dictviews_to_set: a keys view becomes a set through its dict (set()'s
// fast path for dicts sizes the table once, as CPython's does).
Ref<SetObj> view_to_set(Interp& in, const Value& v) {
  if (v.is(ObjKind::DictView) && v.as<DictViewObj>()->which == DictViewObj::Keys)
    return pyset::make(in, v.as<DictViewObj>()->dict, false);
  return pyset::make(in, v, false);
}

// _PyDictView_Intersect: iterate the smaller side, test in the view.
Value view_intersection(Interp& in, Value self, Value other) {
  if (!is_set_view(self)) std::swap(self, other);
  const size_t len_self = self.as<DictViewObj>()->target()->entries.size();
  if (other.is(ObjKind::Set) && !other.as<SetObj>()->frozen && len_self <= other.as<SetObj>()->size())
    return Value(pyset::intersection(in, other.as<SetObj>(), self));
  if (is_set_view(other) && other.as<DictViewObj>()->target()->entries.size() > len_self) std::swap(self, other);
  Ref<SetObj> result(new SetObj());
  Value it = in.get_iter(other), x;
  while (in.iter_next(it, x)) {
    charge_step();
    if (dict_view_contains(in, self.as<DictViewObj>(), x)) pyset::add(in, result.get(), x);
  }
  return Value(result);
}

}  // namespace

bool set_binary_op(Interp& in, char op, const Value& a, const Value& b, Value& out) {
  if (is_set_view(a) || is_set_view(b)) {  // dictviews_or & co.: set(left) op right, either side any iterable
    if (op == '&') { out = view_intersection(in, a, b); return true; }
    Ref<SetObj> result = view_to_set(in, a);
    if (op == '|') pyset::update(in, result.get(), b);
    else if (op == '-') pyset::difference_update(in, result.get(), b);
    else pyset::symmetric_difference_update(in, result.get(), b);
    out = Value(result);
    return true;
  }
  if (!a.is(ObjKind::Set) || !b.is(ObjKind::Set)) return false;
  const SetObj *sa = a.as<SetObj>(), *sb = b.as<SetObj>();
  switch (op) {
    case '|': {
      Ref<SetObj> result = pyset::copy(in, sa, sa->frozen);
      if (sa != sb) pyset::update(in, result.get(), b);
      out = Value(result);
      return true;
    }
    case '&': out = Value(pyset::intersection(in, sa, b)); return true;
    case '-': out = Value(pyset::difference(in, sa, b)); return true;
    case '^': {
      Ref<SetObj> result = pyset::copy(in, sb, sa->frozen);
      pyset::symmetric_difference_update(in, result.get(), a);
      out = Value(result);
      return true;
    }
  }
  return false;
}

bool set_order(Interp& in, int op, const Value& a, const Value& b, bool& out) {
  if (!a.is(ObjKind::Set) || !b.is(ObjKind::Set)) return false;
  const SetObj *x = a.as<SetObj>(), *y = b.as<SetObj>();
  switch (op) {
    case '<': out = x->size() < y->size() && pyset::issubset(in, x, y); return true;
    case 'l': out = pyset::issubset(in, x, y); return true;   // <=
    case '>': out = x->size() > y->size() && pyset::issubset(in, y, x); return true;
    case 'g': out = pyset::issubset(in, y, x); return true;   // >=
  }
  return false;
}

}  // namespace corun
