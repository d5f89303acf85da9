// Lib/asyncio/queues.py (3.11), ported line by line: the same deques of
// getter and putter futures, the same wake-up of the next waiter that is
// not cancelled, the same clean-up when a waiter leaves by an exception.
// Each function below names the CPython code it stands for; Queue's fields
// are declared in the prelude, in the order the indices here assume.
//
// Overridable, as in CPython. Where queues.py calls a method of `self`
// (self.full(), self._put(item), self._wakeup_next(...)), the port calls
// the C++ of that method only when it is the one the instance's class
// resolves to; a user's subclass that overrides it (or an instance field of
// that name) is called by name, through the interpreter. Which of the
// methods an instance's class leaves native is worked out once per class
// (Hooks below), as the interpreter's inline caches do: a class's methods
// never change once it is made. (A scenario cannot derive from asyncio's
// classes yet -- `base: asyncio.Queue` is refused -- so today the
// overrides are the prelude's own LifoQueue/PriorityQueue and functions
// set as instance attributes: scenarios/asyncio/queues/overridden_hooks_are_called.yaml.)
//
// What stays in the prelude: __init__ (it makes the Event `_finished`),
// join() (it awaits self._finished.wait(), a coroutine of another object
// that may be a user's), and the reprs.
#include "engine/asyncio/queues.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>

#include "engine/asyncio/native_self.h"
#include "engine/python/builtins.h"
#include "engine/python/heapq.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// ---- Queue's fields ----------------------------------------------------------------------
// fields: _maxsize, maxsize, _getters, _putters, _unfinished_tasks, _finished, _queue

constexpr size_t kMaxsize = 0, kGetters = 2, kPutters = 3, kUnfinished = 4, kFinished = 5, kQueue = 6;
constexpr std::string_view kFieldNames[] = {"_maxsize", "maxsize", "_getters", "_putters", "_unfinished_tasks", "_finished", "_queue"};

// self.<name> of anything (a port called unbound, asyncio.Queue.qsize(x),
// may be handed any object): AttributeError as CPython's.
Value& any_field(Interp& in, const Value& self, size_t index) {
  std::string_view name = kFieldNames[index];
  if (!self.is(ObjKind::Instance))
    in.raise(in.builtins().AttributeError,
             "'" + in.type_of(self)->name + "' object has no attribute '" + std::string(name) + "'");
  return native_field(in, self, index, name);
}

Value call_named(Interp& in, const Value& obj, const std::string& name, std::initializer_list<Value> args) {
  CallArgs a;
  a.pos = args.begin();
  a.npos = args.size();
  return in.call_method(obj, name, a, nullptr);
}

// ---- the methods queues.py calls on self -------------------------------------------------

enum Hook : uint8_t { kFull, kQsize, kEmpty, kPutNowait, kGetNowait, kPut, kGet, kWakeupNext, kHookCount };
const std::string kHookNames[kHookCount] = {"full", "qsize", "empty", "put_nowait", "get_nowait", "_put", "_get", "_wakeup_next"};

// For one class: the C++ port each hook resolves to, or null where the
// class (or its instances' fields) has its own; and whether its instances
// hold Queue's fields at the indices above (a class's declared fields are
// every regular instance's, in order: a subclass's come after its base's).
struct Hooks {
  uint64_t type_id = 0;
  bool layout = false;
  const NativeDef* def[kHookCount] = {};
};

// The plain native method `name` of `inst` is, if it is one.
const NativeDef* native_method(InstanceObj* inst, std::string_view name) {
  if (inst->find(name)) return nullptr;  // an instance field hides the class's method
  const Value* cv = inst->type->find_attr(name);
  if (!cv || !cv->is(ObjKind::Function)) return nullptr;
  const NativeDef* d = cv->as<FunctionObj>()->code->native;
  return d && d->call ? d : nullptr;
}

Hooks resolve_hooks(InstanceObj* inst) {
  Hooks h;
  h.type_id = inst->type->id;
  h.layout = inst->fields.size() >= std::size(kFieldNames);
  for (size_t i = 0; h.layout && i < std::size(kFieldNames); ++i) h.layout = *inst->fields[i].first == kFieldNames[i];
  for (int k = 0; k < kHookCount; ++k) h.def[k] = native_method(inst, kHookNames[k]);
  return h;
}

// A few classes per thread (a run is single-threaded; unit tests run
// several): an instance with only its class's declared fields has the
// hooks of every such instance of its class. An instance given attributes
// of its own is resolved afresh each time. Copied out: a user's method
// called meanwhile may refill the cache.
constexpr size_t kHookCache = 4;
thread_local Hooks t_hooks[kHookCache];
thread_local size_t t_hooks_next = 0;

Hooks hooks_of(const Value& self) {
  if (!self.is(ObjKind::Instance)) return Hooks{};  // every call by name: AttributeError as in CPython
  InstanceObj* inst = self.as<InstanceObj>();
  if (inst->extra_fields) return resolve_hooks(inst);
  for (const Hooks& h : t_hooks)
    if (h.type_id == inst->type->id) return h;
  Hooks h = resolve_hooks(inst);
  t_hooks[t_hooks_next++ % kHookCache] = h;
  return h;
}

// The queue a port runs on: `self`, with its class's hooks. Fields are
// read by index where the layout allows (an instance keeps its declared
// fields where they are even when it gains more), and never held across
// a call into Python code. After a call of a user's method the hooks are
// looked up again (that method may have set an attribute that hides one).
struct Self {
  Interp& in;
  const Value& v;
  Hooks h;
  Self(Interp& i, const Value& self) : in(i), v(self), h(hooks_of(self)) {}
  Value& field(size_t index) {
    if (h.layout) return v.as<InstanceObj>()->fields[index].second;
    return any_field(in, v, index);
  }
  bool is_port(Hook k, NativeCallFn fn) const { return h.def[k] && h.def[k]->call == fn; }
  // self.<hook>(args...) through another port or by name; argv is self,
  // then the arguments.
  Value call(Hook k, Value* argv, size_t n) {
    if (const NativeDef* d = h.def[k]) return d->call(in, argv);
    CallArgs a;
    a.pos = argv + 1;
    a.npos = n - 1;
    Value r = in.call_method(v, kHookNames[k], a, nullptr);
    h = hooks_of(v);
    return r;
  }
};

// ---- small pieces of the builtins queues.py uses -----------------------------------------

// deque.append(x) (or whatever the field holds: its append)
void append(Interp& in, const Value& d, Value x) {
  if (d.is(ObjKind::Deque)) {
    d.as<DequeObj>()->items.push_back(std::move(x));
    return;
  }
  static const std::string kAppend = "append";
  call_named(in, d, kAppend, {x});
}

// try: waiters.remove(waiter) / except ValueError: pass
void remove_if_there(Interp& in, const Value& waiters, const Value& waiter) {
  if (waiters.is(ObjKind::Deque)) {
    // Futures compare by identity, which deque.remove tries first.
    auto& items = waiters.as<DequeObj>()->items;
    auto it = std::find_if(items.begin(), items.end(), [&](const Value& w) { return w.same(waiter); });
    if (it != items.end()) items.erase(it);
    return;
  }
  static const std::string kRemove = "remove";
  try {
    call_named(in, waiters, kRemove, {waiter});
  } catch (PyException& e) {
    if (!in.exc_matches(e.exc, Value(in.builtins().ValueError))) throw;
  }
}

bool le_zero(Interp& in, const Value& x) { return x.is_int() ? x.as_int() <= 0 : in.compare(CmpOp::Le, x, Value::integer(0)); }

// An exception raised inside `except:` has the one being handled as its
// __context__ (as the interpreter sets it for the scenario's own code).
void chain_context(Value& raised, const Value& handled) {
  if (!raised.is(ObjKind::Exception) || raised.same(handled)) return;
  ExcObj* e = raised.as<ExcObj>();
  if (e->context.is_none()) e->context = handled;
}

// self._finished.set() / .clear(): the Event's ports, when the Event's
// class has them (looked up once per class, as the hooks are).
struct EventHooks {
  uint64_t type_id = 0;
  const NativeDef* set = nullptr;
  const NativeDef* clear = nullptr;
};
thread_local EventHooks t_event;

void call_finished(Self& q, bool set) {
  Value fin = q.field(kFinished);
  if (fin.is(ObjKind::Instance)) {
    InstanceObj* inst = fin.as<InstanceObj>();
    EventHooks e;
    if (!inst->extra_fields && t_event.type_id == inst->type->id) e = t_event;
    else {
      e = {inst->type->id, native_method(inst, "set"), native_method(inst, "clear")};
      if (!inst->extra_fields) t_event = e;
    }
    if (const NativeDef* d = set ? e.set : e.clear) {
      d->call(q.in, &fin);
      return;
    }
  }
  static const std::string kSet = "set", kClear = "clear";
  call_named(q.in, fin, set ? kSet : kClear, {});
  q.h = hooks_of(q.v);
}

// ---- Queue: the overridable methods ("These three are overridable in subclasses") -----

// Queue._init(self, maxsize): self._queue = collections.deque()
Value queue_init(Interp& in, Value* s) {
  any_field(in, s[0], kQueue) = Value(new DequeObj());
  return Value();
}

// Queue._get(self): return self._queue.popleft()
Value queue_get_item(Interp& in, Value* s) {
  Value q = any_field(in, s[0], kQueue);
  if (q.is(ObjKind::Deque) && !q.as<DequeObj>()->items.empty()) {
    auto& items = q.as<DequeObj>()->items;
    Value item = std::move(items.front());
    items.pop_front();
    return item;
  }
  static const std::string kPopleft = "popleft";  // and its IndexError when empty
  return call_named(in, q, kPopleft, {});
}

// Queue._put(self, item): self._queue.append(item)
Value queue_put_item(Interp& in, Value* s) {
  Value q = any_field(in, s[0], kQueue);
  append(in, q, s[1]);
  return Value();
}

// ---- Queue ---------------------------------------------------------------------------------

// Queue._wakeup_next(self, waiters): wake up the next waiter (if any) that
// isn't cancelled.
Value queue_wakeup_next(Interp& in, Value* s) {
  Value waiters = s[1];
  static const std::string kPopleft = "popleft", kDone = "done", kSetResult = "set_result";
  if (waiters.is(ObjKind::Deque)) {
    auto& items = waiters.as<DequeObj>()->items;
    while (!items.empty()) {
      Value waiter = std::move(items.front());
      items.pop_front();
      if (waiter.is(ObjKind::Future)) {
        FutureObj* f = waiter.as<FutureObj>();
        if (f->done()) continue;
        in.future_set_result(f, Value());
        break;
      }
      if (!in.truthy(call_named(in, waiter, kDone, {}))) {
        call_named(in, waiter, kSetResult, {Value()});
        break;
      }
    }
    return Value();
  }
  // while waiters: waiter = waiters.popleft(); ...
  while (in.truthy(waiters)) {
    Value waiter = call_named(in, waiters, kPopleft, {});
    if (!in.truthy(call_named(in, waiter, kDone, {}))) {
      call_named(in, waiter, kSetResult, {Value()});
      break;
    }
  }
  return Value();
}

// self._wakeup_next(self.<waiters>)
void wakeup_next(Self& q, size_t waiters) {
  bool port = q.is_port(kWakeupNext, queue_wakeup_next);
  if (const Value& w = q.field(waiters); port && w.is(ObjKind::Deque) && w.as<DequeObj>()->items.empty()) return;  // no waiters
  Value argv[2] = {q.v, q.field(waiters)};
  if (port) queue_wakeup_next(q.in, argv);
  else q.call(kWakeupNext, argv, 2);
}

// Queue.qsize(): number of items in the queue, len(self._queue).
Value queue_qsize(Interp& in, Value* s) { return py_len(in, Value(any_field(in, s[0], kQueue))); }

Value qsize(Self& q) {
  if (q.is_port(kQsize, queue_qsize)) return py_len(q.in, Value(q.field(kQueue)));
  Value argv[1] = {q.v};
  return q.call(kQsize, argv, 1);
}

// Queue.empty(): not self._queue
Value queue_empty(Interp& in, Value* s) { return Value::boolean(!in.truthy(Value(any_field(in, s[0], kQueue)))); }

// `self.empty()` as a condition
bool empty(Self& q) {
  if (q.is_port(kEmpty, queue_empty)) {
    const Value& items = q.field(kQueue);
    if (items.is(ObjKind::Deque)) return items.as<DequeObj>()->items.empty();
    if (items.is(ObjKind::List)) return items.as<ListObj>()->items.empty();
    return !q.in.truthy(Value(items));
  }
  Value argv[1] = {q.v};
  return q.in.truthy(q.call(kEmpty, argv, 1));
}

// Queue.full(): True if there are maxsize items in the queue; never when
// the queue was made with maxsize <= 0 (the default 0 is unbounded).
Value full_impl(Self& q) {
  if (const Value& m = q.field(kMaxsize); m.is_int() && q.is_port(kQsize, queue_qsize)) {
    if (m.as_int() <= 0) return Value::boolean(false);
    if (const Value& items = q.field(kQueue); items.is(ObjKind::Deque))
      return Value::boolean(int64_t(items.as<DequeObj>()->items.size()) >= m.as_int());
    else if (items.is(ObjKind::List))
      return Value::boolean(int64_t(items.as<ListObj>()->items.size()) >= m.as_int());
  }
  if (le_zero(q.in, Value(q.field(kMaxsize)))) return Value::boolean(false);
  Value n = qsize(q);
  Value maxsize = q.field(kMaxsize);
  if (n.is_int() && maxsize.is_int()) return Value::boolean(n.as_int() >= maxsize.as_int());
  return Value::boolean(q.in.compare(CmpOp::Ge, n, maxsize));
}

Value queue_full(Interp& in, Value* s) {
  Self q(in, s[0]);
  return full_impl(q);
}

// `self.full()` as a condition
bool full(Self& q) {
  if (q.is_port(kFull, queue_full)) return full_impl(q).as_bool();
  Value argv[1] = {q.v};
  return q.in.truthy(q.call(kFull, argv, 1));
}

// Queue.put_nowait(item): put an item into the queue without blocking; if
// no free slot is immediately available, raise QueueFull.
// Past put_nowait's `if self.full(): raise QueueFull`.
Value put_nowait_not_full(Self& q, const Value& item) {
  Value argv[2] = {q.v, item};
  if (q.is_port(kPut, queue_put_item)) append(q.in, Value(q.field(kQueue)), item);
  else q.call(kPut, argv, 2);
  // self._unfinished_tasks += 1
  Value u = q.field(kUnfinished);
  Value sum = u.is_int() && u.as_int() < INT64_MAX ? Value::integer(u.as_int() + 1)
                                                   : q.in.binary_op(BinOp::Add, u, Value::integer(1));
  q.field(kUnfinished) = std::move(sum);
  call_finished(q, false);
  wakeup_next(q, kGetters);
  return Value();
}

Value put_nowait(Self& q, const Value& item) {
  if (full(q)) q.in.raise_value(q.in.make_exception_args(q.in.builtins().QueueFull, {}));
  return put_nowait_not_full(q, item);
}

Value queue_put_nowait(Interp& in, Value* s) {
  Self q(in, s[0]);
  return put_nowait(q, s[1]);
}

// Queue.get_nowait(): remove and return an item if one is immediately
// available, else raise QueueEmpty.
// Past get_nowait's `if self.empty(): raise QueueEmpty`.
Value get_nowait_not_empty(Self& q) {
  Value item;
  if (const Value& items = q.field(kQueue); q.is_port(kGet, queue_get_item) && items.is(ObjKind::Deque) &&
                                             !items.as<DequeObj>()->items.empty()) {
    auto& d = items.as<DequeObj>()->items;  // self._queue.popleft()
    item = std::move(d.front());
    d.pop_front();
  } else {
    Value argv[1] = {q.v};
    item = q.call(kGet, argv, 1);
  }
  wakeup_next(q, kPutters);
  return item;
}

Value get_nowait(Self& q) {
  if (empty(q)) q.in.raise_value(q.in.make_exception_args(q.in.builtins().QueueEmpty, {}));
  return get_nowait_not_empty(q);
}

// Whether calling self.full() / self.empty() again, with nothing done to
// the queue in between, must give what the last call gave: both are the
// ports, over a deque or list and an int maxsize, so no Python code runs
// in them.
bool builtin_items(Self& q) {
  const Value& items = q.field(kQueue);
  return items.is(ObjKind::Deque) || items.is(ObjKind::List);
}
bool full_is_pure(Self& q) {
  return q.is_port(kFull, queue_full) && q.is_port(kQsize, queue_qsize) && q.field(kMaxsize).is_int() && builtin_items(q);
}
bool empty_is_pure(Self& q) { return q.is_port(kEmpty, queue_empty) && builtin_items(q); }

Value queue_get_nowait(Interp& in, Value* s) {
  Self q(in, s[0]);
  return get_nowait(q);
}

// The `except:` of put() and get(), for a waiter that leaves by an
// exception (its task cancelled, or the coroutine closed or thrown into):
//   waiter.cancel()  # Just in case waiter is not done yet.
//   try:
//       # Clean self._waiters from canceled waiters.
//       self._waiters.remove(waiter)
//   except ValueError:
//       # The waiter could be removed from self._waiters by a previous
//       # put_nowait/get_nowait call.
//       pass
//   if not self.<blocked>() and not waiter.cancelled():
//       # We were woken up by put_nowait()/get_nowait(), but can't take
//       # the call.  Wake up the next in line.
//       self._wakeup_next(self._waiters)
//   raise
[[noreturn]] void leave_wait(Interp& in, const Value& self, const Value& waiter, bool putter, Value exc) {
  size_t waiters = putter ? kPutters : kGetters;
  try {
    FutureObj* w = waiter.as<FutureObj>();
    in.future_cancel(w, Value());
    Self q(in, self);
    remove_if_there(in, Value(q.field(waiters)), waiter);
    bool blocked = putter ? full(q) : empty(q);
    if (!blocked && w->state != FutureObj::State::Cancelled) wakeup_next(q, waiters);
  } catch (PyException& e) {
    chain_context(e.exc, exc);
    throw;
  }
  in.raise_value(std::move(exc));
}

// async Queue.put(item): while the queue is full, wait on a putter future
// (woken by get_nowait()); then return self.put_nowait(item). Locals: s[2]
// the label, s[3] putter.
NativeStep queue_put(Interp& in, Value* s, Resume how, Value v) {
  if (label_of(s, 2) == 1) {
    s[2] = Value::integer(0);
    Value putter = std::move(s[3]);
    if (how == Resume::Throw) leave_wait(in, s[0], putter, true, std::move(v));
  } else if (how == Resume::Throw) {
    in.raise_value(std::move(v));  // thrown in before the body ran
  }
  Self q(in, s[0]);
  if (full(q)) {
    Value putter(in.create_future());
    append(in, Value(q.field(kPutters)), putter);
    s[3] = putter;
    s[2] = Value::integer(1);
    return NativeStep::await(std::move(putter));
  }
  if (q.is_port(kPutNowait, queue_put_nowait)) {
    // put_nowait's own `if self.full()` gives False again, as it just did.
    if (full_is_pure(q)) return NativeStep::ret(put_nowait_not_full(q, s[1]));
    return NativeStep::ret(put_nowait(q, s[1]));
  }
  Value argv[2] = {s[0], s[1]};
  return NativeStep::ret(q.call(kPutNowait, argv, 2));
}

// async Queue.get(): while the queue is empty, wait on a getter future
// (woken by put_nowait()); then return self.get_nowait(). Locals: s[1] the
// label, s[2] getter.
NativeStep queue_get(Interp& in, Value* s, Resume how, Value v) {
  if (label_of(s, 1) == 1) {
    s[1] = Value::integer(0);
    Value getter = std::move(s[2]);
    if (how == Resume::Throw) leave_wait(in, s[0], getter, false, std::move(v));
  } else if (how == Resume::Throw) {
    in.raise_value(std::move(v));  // thrown in before the body ran
  }
  Self q(in, s[0]);
  if (empty(q)) {
    Value getter(in.create_future());
    append(in, Value(q.field(kGetters)), getter);
    s[2] = getter;
    s[1] = Value::integer(1);
    return NativeStep::await(std::move(getter));
  }
  if (q.is_port(kGetNowait, queue_get_nowait)) {
    // get_nowait's own `if self.empty()` gives False again, as it just did.
    if (empty_is_pure(q)) return NativeStep::ret(get_nowait_not_empty(q));
    return NativeStep::ret(get_nowait(q));
  }
  Value argv[1] = {s[0]};
  return NativeStep::ret(q.call(kGetNowait, argv, 1));
}

// Queue.task_done(): a formerly enqueued task is complete. For each get()
// used to fetch a task, a subsequent task_done() tells the queue the
// processing on it is complete; join() resumes when every item put has had
// its task_done(). Called more times than there were items placed in the
// queue, it raises ValueError.
Value queue_task_done(Interp& in, Value* s) {
  Self q(in, s[0]);
  if (le_zero(in, Value(q.field(kUnfinished)))) in.raise(in.builtins().ValueError, "task_done() called too many times");
  // self._unfinished_tasks -= 1
  Value u = q.field(kUnfinished);
  Value diff = u.is_int() && u.as_int() > INT64_MIN ? Value::integer(u.as_int() - 1)
                                                    : in.binary_op(BinOp::Sub, u, Value::integer(1));
  q.field(kUnfinished) = std::move(diff);
  Value now = q.field(kUnfinished);
  if (now.is_int() ? now.as_int() == 0 : in.compare(CmpOp::Eq, now, Value::integer(0))) call_finished(q, true);
  return Value();
}

// ---- LifoQueue: retrieves most recently added entries first ----------------------------

// LifoQueue._init / PriorityQueue._init: self._queue = []
Value list_queue_init(Interp& in, Value* s) {
  any_field(in, s[0], kQueue) = make_list();
  return Value();
}

// LifoQueue._put(self, item): self._queue.append(item)
Value lifo_put_item(Interp& in, Value* s) {
  Value q = any_field(in, s[0], kQueue);
  if (q.is(ObjKind::List)) q.as<ListObj>()->items.push_back(s[1]);
  else append(in, q, s[1]);
  return Value();
}

// LifoQueue._get(self): return self._queue.pop()
Value lifo_get_item(Interp& in, Value* s) {
  Value q = any_field(in, s[0], kQueue);
  if (q.is(ObjKind::List) && !q.as<ListObj>()->items.empty()) {
    auto& items = q.as<ListObj>()->items;
    Value item = std::move(items.back());
    items.pop_back();
    return item;
  }
  static const std::string kPop = "pop";  // and its IndexError when empty
  return call_named(in, q, kPop, {});
}

// ---- PriorityQueue: retrieves entries in priority order (lowest first) -----------------

// PriorityQueue._put(self, item, heappush=heapq.heappush): heappush(self._queue, item)
Value priority_put_item(Interp& in, Value* s) {
  Value q = any_field(in, s[0], kQueue);
  heappush(in, q, s[1]);
  return Value();
}

// PriorityQueue._get(self, heappop=heapq.heappop): return heappop(self._queue)
Value priority_get_item(Interp& in, Value* s) {
  Value q = any_field(in, s[0], kQueue);
  return heappop(in, q);
}

const NativeDef kQueues[] = {
    {"Queue._init", queue_init, nullptr, 0},
    {"Queue._get", queue_get_item, nullptr, 0},
    {"Queue._put", queue_put_item, nullptr, 0},
    {"Queue._wakeup_next", queue_wakeup_next, nullptr, 0},
    {"Queue.qsize", queue_qsize, nullptr, 0},
    {"Queue.empty", queue_empty, nullptr, 0},
    {"Queue.full", queue_full, nullptr, 0},
    {"Queue.put", nullptr, queue_put, 2},
    {"Queue.put_nowait", queue_put_nowait, nullptr, 0},
    {"Queue.get", nullptr, queue_get, 2},
    {"Queue.get_nowait", queue_get_nowait, nullptr, 0},
    {"Queue.task_done", queue_task_done, nullptr, 0},
    {"LifoQueue._init", list_queue_init, nullptr, 0},
    {"LifoQueue._put", lifo_put_item, nullptr, 0},
    {"LifoQueue._get", lifo_get_item, nullptr, 0},
    {"PriorityQueue._init", list_queue_init, nullptr, 0},
    {"PriorityQueue._put", priority_put_item, nullptr, 0},
    {"PriorityQueue._get", priority_get_item, nullptr, 0},
};

}  // namespace

std::span<const NativeDef> queues_natives() { return kQueues; }

}  // namespace corun
