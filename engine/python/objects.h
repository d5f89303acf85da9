// Runtime objects beyond plain data: types, exceptions, functions,
// coroutines, futures, tasks and loop handles. Futures and tasks mirror
// CPython's Lib/asyncio/futures.py and tasks.py field for field, so that the
// code operating on them (futures.cpp, tasks.cpp) can follow CPython's line
// by line.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "engine/python/bigint.h"
#include "engine/load/expr.h"
#include "engine/python/value.h"

namespace corun {

class Interp;
struct CodeObject;
struct Frame;
struct CallArgs;

// An int that does not fit in 64 bits; never holds a value that does.
struct BigIntObj : Object {
  BigInt v;
  explicit BigIntObj(BigInt x) : Object(ObjKind::BigInt), v(std::move(x)) {}
};

// The int for a BigInt: an immediate when it fits, else a BigIntObj.
Value make_int(BigInt v);
BigInt to_bigint(const Value& v);  // int, bool or BigInt

// ---- Types ----------------------------------------------------------------------

enum class TypeKind : uint8_t { Builtin, Exception, UserClass };

struct TypeObj : Object {
  std::string name;
  std::string module;  // "builtins", "__main__", "asyncio.exceptions", ...
  TypeObj* base = nullptr;
  TypeObj* second_base = nullptr;  // ExceptionGroup(BaseExceptionGroup, Exception): corun's one multiple base
  TypeKind tkind = TypeKind::Builtin;
  Builtin ctor = nullptr;  // calling the type
  // User classes: methods by name, and the fields every instance starts
  // with -- expressions evaluated afresh for each instance, as the
  // assignments in an __init__ would be (so `items: []` is never shared).
  std::vector<std::pair<std::string, Value>> class_attrs;
  std::vector<std::pair<std::string, const Expr*>> field_exprs;
  const CodeObject* field_scope = nullptr;  // the module whose frame evaluates them
  // The instance layout, shared by every instance and worked out once (by
  // init_fields, engine/vm/definitions.cpp): the names of the fields, base
  // classes' first, by position -- pointers to the declaring classes'
  // field_exprs, which this class keeps alive -- and the expressions to
  // evaluate for a new instance, in order, with the position each sets.
  struct FieldInit {
    uint32_t index;
    const Expr* expr;
    const TypeObj* owner;  // the class declaring it (its field_scope evaluates it)
  };
  std::vector<const std::string*> field_layout;
  std::vector<FieldInit> field_inits;
  bool layout_ready = false;
  // Unique for the process (inline caches key on it; an address can be reused).
  const uint64_t id = next_id();
  bool owns_base = false;  // holds a reference to `base` (the scenario's own classes)
  TypeObj(std::string n, std::string mod, TypeObj* b, TypeKind k)
      : Object(ObjKind::Type), name(std::move(n)), module(std::move(mod)), base(b), tkind(k) {}
  ~TypeObj() override {
    if (owns_base) decref(base);
  }
  // A subclass keeps its base alive, and lets it go when it is freed.
  void keep_base_alive() {
    incref(base);
    owns_base = true;
  }
  static uint64_t next_id() {
    static std::atomic<uint64_t> counter{0};
    return ++counter;
  }
  bool is_subclass_of(const TypeObj* other) const {
    for (const TypeObj* t = this; t; t = t->base) {
      if (t == other) return true;
      if (t->second_base && t->second_base->is_subclass_of(other)) return true;
    }
    return false;
  }
  // "ValueError", "asyncio.exceptions.CancelledError": as traceback's last line names it.
  std::string qualified_name() const {
    return (module == "builtins" || module == "__main__") ? name : module + "." + name;
  }
  const Value* find_attr(std::string_view attr) const {
    for (const TypeObj* t = this; t; t = t->base)
      for (auto& [k, v] : t->class_attrs) if (k == attr) return &v;
    return nullptr;
  }
};

// ---- Exceptions -------------------------------------------------------------------

struct TracebackEntry {
  const CodeObject* code;
  int line;
};

// An exception's frames, oldest first. Most exceptions cross one frame (a
// task's CancelledError, a TimeoutError in wait_for), so the first entry is
// kept inline and only a second one allocates: raising costs no malloc for
// the traceback.
class TracebackList {
 public:
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  void clear() { n_ = 0; rest_.clear(); }
  void push_back(TracebackEntry t) {
    if (n_++ == 0) first_ = t;
    else rest_.push_back(t);
  }
  const TracebackEntry& operator[](size_t i) const { return i == 0 ? first_ : rest_[i - 1]; }

 private:
  TracebackEntry first_{nullptr, 0};
  uint32_t n_ = 0;
  std::vector<TracebackEntry> rest_;  // entries 1..n_-1
};

struct ExcObj : Object {
  // First, so that they fill the bytes Object leaves spare.
  bool suppress_context = false;
  bool group_from_tuple = false;  // a group made from a tuple of exceptions: its repr shows the tuple
  TypeObj* type;
  std::vector<Value> args;
  Value context;  // __context__
  Value cause;    // __cause__
  TracebackList traceback;  // oldest frame first
  Value attrs;  // DictObj of extra attributes set on the instance, or None
  ExcObj(TypeObj* t, std::vector<Value> a) : Object(ObjKind::Exception), type(t), args(std::move(a)) { incref(t); }
  ~ExcObj() override { decref(type); }
};

// ---- Functions and coroutines ---------------------------------------------------------

// What a program assigned to a function's attributes (functools.wraps
// copies __module__ __name__ __qualname__ __doc__ and fills __dict__;
// `fn.calls = 0`): made at the first assignment, as most functions never
// have one; until then the code's names stand, as CPython's func_name and
// func_qualname start as co_name and co_qualname.
struct FunctionAttrs {
  // (__name__, __qualname__), a tuple shared with the coroutines the
  // function makes (each keeps the names it was made with, as a
  // coroutine's gi_qualname is copied from func_qualname); null: the code's.
  Ref<TupleObj> names;
  Value module = Value::unbound();  // __module__; Unbound: '__main__'
  Value doc;                        // __doc__ (None: the scenario has no docstrings)
  Value annotations = Value::unbound();  // __annotations__; Unbound: an empty dict made when read
  Ref<DictObj> dict;                // __dict__, made when first used
};

// A coroutine or plain function defined by the scenario.
struct FunctionObj : Object {
  const CodeObject* code;
  std::vector<Value> defaults;  // one per parameter; Unbound = required
  Value bound_self;             // for methods; None otherwise
  std::vector<Value> closure;   // CellObjs, one per code->free_slots
  std::unique_ptr<FunctionAttrs> attrs;  // null until an attribute is assigned
  FunctionObj(const CodeObject* c) : Object(ObjKind::Function), code(c) {}
};

// A function's __name__ and __qualname__: what was assigned, or its code's.
const std::string& function_name(const FunctionObj& fn);
const std::string& function_qualname(const FunctionObj& fn);

// A variable shared between a frame and the closures made in it (CPython's
// cell object). Never a value a scenario sees.
struct CellObj : Object {
  Value v = Value::unbound();
  CellObj() : Object(ObjKind::Misc) {}
  explicit CellObj(Value x) : Object(ObjKind::Misc), v(std::move(x)) {}
};

// A method bound to an instance (`db.query`).
struct BoundMethodObj : Object {
  Value self;
  Value func;
  BoundMethodObj(Value s, Value f) : Object(ObjKind::BoundMethod), self(std::move(s)), func(std::move(f)) {}
};

// A name an instance's field has that its class did not declare (set by a
// method, or by corun's own code): one string per distinct name for the
// process, never freed, so that instances can point to it.
const std::string* intern_field_name(std::string_view name);

struct InstanceObj : Object {
  TypeObj* type;
  // The class's declared fields, in declaration order (the same for every
  // instance), then any a method added: those make the instance irregular,
  // and inline caches do not apply to it. Names are not copied: each points
  // to the class's string (TypeObj::field_layout) or an interned one.
  std::vector<std::pair<const std::string*, Value>> fields;
  bool extra_fields = false;
  explicit InstanceObj(TypeObj* t) : Object(ObjKind::Instance), type(t) { incref(t); }
  ~InstanceObj() override { decref(type); }
  Value* find(std::string_view name) {
    for (auto& [k, v] : fields) if (*k == name) return &v;
    return nullptr;
  }
};

// A stack that keeps its first N items in place and only the rest in a
// vector: the try blocks and handled exceptions of a frame, which are
// nearly always one or two deep.
template <class T, size_t N>
class InlineStack {
 public:
  InlineStack() = default;
  InlineStack(const InlineStack&) = delete;
  InlineStack& operator=(const InlineStack&) = delete;
  ~InlineStack() { resize(0); }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  T& back() { return at(size_ - 1); }
  const T& back() const { return const_cast<InlineStack*>(this)->at(size_ - 1); }
  void push_back(T v) {
    if (size_ < N) {
      new (&inline_[size_].v) T(std::move(v));
    } else {
      if (!more_) more_ = std::make_unique<std::vector<T>>();
      more_->push_back(std::move(v));
    }
    ++size_;
  }
  void pop_back() {
    --size_;
    if (size_ < N) inline_[size_].v.~T();
    else more_->pop_back();
  }
  // Pops down to n items, or pushes default items up to n.
  void resize(size_t n) {
    while (size_ > n) pop_back();
    while (size_ < n) push_back(T());
  }

 private:
  T& at(size_t i) { return i < N ? inline_[i].v : (*more_)[i - N]; }
  union Slot {
    Slot() {}
    ~Slot() {}
    T v;
  };
  Slot inline_[N];
  uint32_t size_ = 0;
  std::unique_ptr<std::vector<T>> more_;  // items past the first N
};

// What one activation of a scenario coroutine or function holds. Frames of
// one task form a chain through `parent` (await runs inline: no new
// task, no loop iteration), so a deep await chain costs heap, not C++ stack.
struct Frame {
  struct Block {
    int handler;    // pc of the handler
    int exc_depth;  // handled-exception stack depth to restore
  };
  const CodeObject* code;
  Frame* parent = nullptr;  // the frame awaiting this one
  int pc = 0;
  uint32_t depth : 30 = 0;      // frames below this one in the await chain
  uint32_t suspended : 1 = 0;  // waiting at the instruction at pc
  uint32_t owns_slots : 1 = 1;  // slots came from the pool (else from storage the frame's owner gives and frees)
  // try blocks and the exceptions being handled (for bare raise and
  // __context__): allocated (from the object pool) the first time a frame
  // enters a try, so that the frames of simple coroutines stay small, and
  // freed when the frame is done. The usual nesting (a try or two, one
  // exception handled) fits without a further allocation.
  struct ExcState {
    InlineStack<Block, 2> blocks;
    InlineStack<Value, 1> handled;
    static void* operator new(size_t n) { return pool_alloc(n); }
    static void operator delete(void* p, size_t n) { pool_free(p, n); }
  };
  std::unique_ptr<ExcState> exc_state;
  ExcState& exc() {
    if (!exc_state) exc_state = std::make_unique<ExcState>();
    return *exc_state;
  }
  bool has_blocks() const { return exc_state && !exc_state->blocks.empty(); }
  bool has_handled() const { return exc_state && !exc_state->handled.empty(); }
  Ref<Object> awaiting;  // the future, coroutine or __anext__ this frame waits on
  Value* slots;          // code->nslots() locals, from the object pool or the owner's storage
  explicit Frame(const CodeObject* c);
  // Slots in `storage` (room for code->nslots() Values, uninitialised),
  // which the owner frees after the frame; null: from the pool.
  Frame(const CodeObject* c, void* storage);
  ~Frame();
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
};

// The state and flags fill the bytes Object leaves spare, and the frame's
// slots follow the object in its allocation (make()): a coroutine with two
// locals is 72 + 32 bytes.
struct CoroObj : Object {
  enum class State : uint8_t { Created, Running, Suspended, Done };
  State state = State::Created;
  bool awaited : 1 = false;        // was ever awaited or wrapped in a task
  // Async generators (engine/vm/generators.cpp): the loop's asyncgen hooks
  // were looked up (first __anext__/asend/athrow/aclose), and found the
  // loop running: dropping the generator unfinished schedules its aclose().
  bool hooks_inited : 1 = false;
  bool has_finalizer : 1 = false;
  bool closed : 1 = false;         // aclose() was called (ag_closed)
  bool hand_driven : 1 = false;    // a coroutine run by send()/throw(), not awaited
  bool aclose_restart : 1 = false; // Interp::throw_into_unstarted_aclose
  bool finalized : 1 = false;      // finalize_generator ran (once per object, as PEP 442's tp_finalize)
  bool slots_inline : 1 = false;   // made by make(): the frame's slots follow the object in its allocation
  Frame frame;
  int32_t created_line = 0;        // the scenario line of the call that made it (0: unknown)
  Ref<TupleObj> names;             // (__name__, __qualname__) of a renamed function that made it; null: the code's
  explicit CoroObj(const CodeObject* code) : Object(ObjKind::Coroutine), frame(code) {}
  ~CoroObj() override;
  // A coroutine (or generator) and its frame's slots in one pooled block,
  // as CPython keeps a generator's frame inside the generator object. Freed
  // by destroy_object, which knows the block's size (alloc_bytes()).
  static Ref<CoroObj> make(const CodeObject* code);
  size_t alloc_bytes() const;

 private:
  CoroObj(const CodeObject* code, void* storage) : Object(ObjKind::Coroutine), frame(code, storage) {}
};

// A coroutine's or generator's __name__ and __qualname__ (gi_name, gi_qualname).
const std::string& coro_name(const CoroObj& c);
const std::string& coro_qualname(const CoroObj& c);

// The awaitable `agen.__anext__()` returns: awaiting it runs the generator's
// frame inline, on the awaiting task, until its next `yield`.
// asend(v) and athrow(exc) / aclose() make the same object in another mode:
// awaiting it sends `arg` in, or throws it (aclose: GeneratorExit, whose
// end the await swallows).
struct AnextObj : Object {
  enum class Mode : uint8_t { Send, Throw, Close };
  Value gen;  // CoroObj whose code is an async generator
  Value arg;  // Send: the value sent (None for __anext__); Throw: the exception
  Mode mode = Mode::Send;
  bool used = false;  // awaited once already (an awaitable runs once)
  bool has_default = false;  // anext(agen, default): the end gives `dflt`
  Value dflt;
  explicit AnextObj(Value g, Mode m = Mode::Send, Value a = Value())
      : Object(ObjKind::Anext), gen(std::move(g)), arg(std::move(a)), mode(m) {}
};

// ---- The loop's handles ------------------------------------------------------------------

using Callback = void (*)(Interp&, const Value& a, const Value& b);

struct HandleObj : Object {
  Callback fn;
  Value a, b;
  bool cancelled = false;
  bool scheduled = false;  // timers: still in the loop's heap
  bool is_timer = false;   // a TimerHandle (call_later, call_at), not a Handle (call_soon)
  int64_t when = 0;  // timers: deadline in ns
  // Tracing: the task that scheduled it, and what asyncio code it runs
  // (null: fn is run_callable_handle, a scenario's callable).
  uint64_t trace_by = 0;
  const char* what = nullptr;
  HandleObj(Callback f, Value x, Value y) : Object(ObjKind::Handle), fn(f), a(std::move(x)), b(std::move(y)) {}
};

// ---- Futures and tasks ----------------------------------------------------------------------

struct DoneCallback {
  Callback fn = nullptr;  // called as fn(interp, ctx, future)
  Ref<Object> ctx;        // an object or None (a user callback that is not an object comes boxed)
};

// A Value that is not an object, carried where only objects fit (a
// done-callback's context).
struct BoxObj : Object {
  Value v;
  explicit BoxObj(Value x) : Object(ObjKind::Misc), v(std::move(x)) {}
};

// A future's done-callbacks, in the order they were added. Nearly every
// future has exactly one (the wakeup of the task awaiting it, or gather's),
// so one is kept inline; a second moves them all to a vector, which the
// same 16 bytes then point to (fn_ says which).
void callback_list_many(Interp&, const Value&, const Value&);  // fn_ of a list held in many_: never called
class CallbackList {
 public:
  CallbackList() = default;
  CallbackList(const CallbackList&) = delete;
  CallbackList& operator=(const CallbackList&) = delete;
  ~CallbackList() { drain([](DoneCallback&) {}); }
  bool empty() const { return !fn_; }
  void push_back(DoneCallback cb) {
    if (!fn_) {
      fn_ = cb.fn;
      one_ = cb.ctx.release();
      return;
    }
    if (fn_ != callback_list_many) {
      auto* all = new std::vector<DoneCallback>();
      all->push_back(DoneCallback{fn_, Ref<Object>::adopt(one_)});
      many_ = all;
      fn_ = callback_list_many;
    }
    many_->push_back(std::move(cb));
  }
  // Empties the list, handing each callback to `f` in order.
  template <class F>
  void drain(F&& f) {
    if (!fn_) return;
    Callback fn = fn_;
    fn_ = nullptr;
    if (fn != callback_list_many) {
      DoneCallback cb{fn, Ref<Object>::adopt(one_)};
      one_ = nullptr;
      f(cb);
      return;
    }
    std::unique_ptr<std::vector<DoneCallback>> all(many_);
    many_ = nullptr;
    for (auto& cb : *all) f(cb);
  }
  // Hands each callback's function and context to `f`, in order.
  template <class F>
  void for_each(F&& f) const {
    if (!fn_) return;
    if (fn_ != callback_list_many) {
      f(fn_, static_cast<const Object*>(one_));
      return;
    }
    for (const auto& cb : *many_) f(cb.fn, static_cast<const Object*>(cb.ctx.get()));
  }
  size_t size() const { return !fn_ ? 0 : fn_ != callback_list_many ? 1 : many_->size(); }
  // Drops the callbacks `pred` selects; returns how many.
  template <class P>
  size_t remove_if(P&& pred) {
    std::vector<DoneCallback> kept;
    size_t removed = 0;
    drain([&](DoneCallback& cb) {
      if (pred(cb)) ++removed;
      else kept.push_back(std::move(cb));
    });
    for (auto& cb : kept) push_back(std::move(cb));
    return removed;
  }
 private:
  Callback fn_ = nullptr;  // the one callback, or callback_list_many
  union {
    Object* one_ = nullptr;  // its context (a reference this list owns), or null
    std::vector<DoneCallback>* many_;
  };
};

// Futures.py's fields, folded to keep every task and future small: a
// cancelled future has no result or exception, so those slots hold its
// cancel message and the CancelledError a task re-raises once.
//
// A future is 64 bytes and a task 112: the future's flags and the task's
// share the three bytes the Object header leaves spare (declared here, so
// that the compiler may put them there; only TaskObj uses the task's).
struct FutureObj : Object {
  enum class State : uint8_t { Pending, Cancelled, Finished };
  State state : 2 = State::Pending;
  bool log_traceback : 1 = false;  // an exception was set and never retrieved
  bool is_gathering : 1 = false;   // a GatherFutureObj
  // ---- TaskObj's flags (see there)
  bool must_cancel : 1 = false;
  enum class Sleep : uint8_t { None, Pending, Done, Cancelled };
  Sleep sleep : 2 = Sleep::None;   // the sleep future, while it is fut_waiter
  bool timer_live : 1 = false;     // its timer is queued and not cancelled
  bool custom_name : 1 = false;    // named by name= or set_name(), not "Task-<serial>"
  bool fire_queued : 1 = false;
  bool fire_cancelled : 1 = false;
  // ----
  Value result;     // Cancelled: the cancel message (_cancel_message)
  Value exception;  // Cancelled: the CancelledError to re-raise (_cancelled_exc)
  CallbackList callbacks;
  explicit FutureObj(ObjKind k = ObjKind::Future) : Object(k) {}
  bool done() const { return state != State::Pending; }
  // Task.cancel() before the task reaches an await keeps its message here
  // while pending (must_cancel); a result or exception replaces it.
  Value& cancel_message() { return result; }
  Value& cancelled_exc() { return exception; }
  ~FutureObj() override;
};

// gather()'s result (_GatheringFuture): its children, and whether cancel()
// reached them. Kept out of FutureObj, which every task and sleep carries.
struct GatherFutureObj : FutureObj {
  std::vector<Value> children;
  bool cancel_requested = false;
  uint32_t registry_index = 0;  // position in the interpreter's gather list (Interp::break_cycles)
  GatherFutureObj() { is_gathering = true; }
  ~GatherFutureObj() override;
};

// Its flags are in FutureObj's header bytes: must_cancel; `sleep`, the
// state of an asyncio.sleep(d > 0) in progress (CPython makes a future and
// a TimerHandle; the future is private to sleep() and its only
// done-callback is this task's wakeup, so its states live here instead and
// the timer queue holds the task itself: a sleeping task costs no extra
// objects), with timer_live; custom_name; and fire_queued / fire_cancelled:
// the timer came due and its callback waits in the ready queue, and the
// task resuming before it runs cancels it there (sleep's h.cancel()).
struct TaskObj : FutureObj {
  int32_t num_cancels_requested = 0;
  uint32_t timer_token = 0;   // tells this sleep's timer from earlier ones
  uint32_t registry_index = 0;  // position in the interpreter's task list
  uint32_t gather_mark = 0;  // the gather() call that last took this task, to spot repeats cheaply
  Ref<CoroObj> coro;
  Frame* top = nullptr;  // innermost frame of the await chain
  Ref<FutureObj> fut_waiter;
  uint64_t serial = 0;       // creation order
  TaskObj() : FutureObj(ObjKind::Task) {}
  ~TaskObj() override;
  std::string name() const;
  void set_name(std::string n);
};

// ---- Iterators ------------------------------------------------------------------------------

// A generator expression running lazily (engine/vm/closures.cpp): its own
// frame (its variables, and the cells it closes over) and the iterator of
// each `for` clause entered so far.
struct GenExprState {
  const Expr* comp;
  Frame frame;
  std::vector<Value> iters;
  bool running = false;  // inside next(): a generator cannot be re-entered
  GenExprState(const Expr* e, const CodeObject* c) : comp(e), frame(c) {}
};

// An iterator implemented natively (the itertools objects): its state steps
// itself, names its type and prints its repr.
struct NativeIterState {
  TypeObj* type = nullptr;
  virtual ~NativeIterState() = default;
  virtual bool next(class Interp& in, Value& out) = 0;
  virtual std::string repr(class Interp& in, const void* self);  // "<itertools.chain object at 0x...>"
};

struct IteratorObj : Object {
  enum class Kind : uint8_t { Seq, List, Range, Deque, Gen, Set, DictKeys, DictValues, DictItems, User, Generator, Enumerate, Map, Filter, Zip, Native } ikind;
  std::unique_ptr<NativeIterState> native;  // Native
  std::unique_ptr<GenExprState> gen;  // Gen: null once exhausted
  const CodeObject* gen_code = nullptr;  // Gen: its code (its name, for the repr)
  std::vector<Value> items;  // Seq: a snapshot; Enumerate: the items, `cur` the next index; Map: the iterators; Filter: the one iterator
  Value source;              // List, Deque, Set, Dict*: the live container (a DictObj for Dict*); User: the object with __next__; Generator: the generator; Map, Filter: the function (Filter: None keeps the true items)
  // Set, Dict*: `stop` holds the size when iteration began; a change is RuntimeError, as in CPython
  size_t pos = 0;
  int64_t cur = 0, stop = 0, step = 1;  // Range
  explicit IteratorObj(Kind k) : Object(ObjKind::Iterator), ikind(k) {}
};

}  // namespace corun
