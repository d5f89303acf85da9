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
// never change once it is made.
//
// What stays in the prelude: __init__ (it makes the Event `_finished`),
// join() (it awaits self._finished.wait(), a coroutine of another object
// that may be a user's), and the reprs.
#include "engine/asyncio/queues.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "engine/python/builtins.h"
#include "engine/python/heapq.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// ---- Queue's fields ----------------------------------------------------------------------
// fields: _maxsize, maxsize, _getters, _putters, _unfinished_tasks, _finished, _queue

constexpr size_t kMaxsize = 0, kGetters = 2, kPutters = 3, kUnfinished = 4, kFinished = 5, kQueue = 6;

// self.<name>. Never held across a call into Python code (that may add a
// field to the instance, and move its fields).
Value& field(Interp& in, const Value& self, size_t index, std::string_view name) {
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
// class (or its instances' fields) has its own.
struct Hooks {
  uint64_t type_id = 0;
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
  for (int k = 0; k < kHookCount; ++k) h.def[k] = native_method(inst, kHookNames[k]);
  return h;
}

// A few classes per thread (a run is single-threaded; unit tests run
// several): an instance with only its class's declared fields has the
// hooks of every such instance of its class. Returned by value: a user's
// method called meanwhile may refill the cache.
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

bool is_port(const NativeDef* d, NativeCallFn fn) { return d && d->call == fn; }

// self.<hook>(args...): argv is self, then the arguments.
Value call_hook(Interp& in, const Hooks& h, Hook k, Value* argv, size_t n) {
  if (const NativeDef* d = h.def[k]) return d->call(in, argv);
  CallArgs a;
  a.pos = argv + 1;
  a.npos = n - 1;
  return in.call_method(argv[0], kHookNames[k], a, nullptr);
}

// ---- small pieces of the builtins queues.py uses -----------------------------------------

// len(x)
Value py_len(Interp& in, const Value& x) {
  if (x.is(ObjKind::Deque)) return Value::integer(int64_t(x.as<DequeObj>()->items.size()));
  if (x.is(ObjKind::List)) return Value::integer(int64_t(x.as<ListObj>()->items.size()));
  static const int len_index = builtin_index("len");
  return in.call0(in.builtins().values[size_t(len_index)], {x});
}

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

bool int_le_zero(Interp& in, const Value& x) {
  return x.is_int() ? x.as_int() <= 0 : in.compare(CmpOp::Le, x, Value::integer(0));
}

// An exception raised inside `except:` has the one being handled as its
// __context__ (as the interpreter sets it for the scenario's own code).
void chain_context(Value& raised, const Value& handled) {
  if (!raised.is(ObjKind::Exception) || raised.same(handled)) return;
  ExcObj* e = raised.as<ExcObj>();
  if (e->context.is_none()) e->context = handled;
}

// self._finished.set() / .clear(): the native Event's, when it is one.
void call_finished(Interp& in, const Value& self, bool set) {
  Value fin = field(in, self, kFinished, "_finished");
  static const std::string kSet = "set", kClear = "clear";
  const std::string& name = set ? kSet : kClear;
  if (fin.is(ObjKind::Instance)) {
    if (const NativeDef* d = native_method(fin.as<InstanceObj>(), name)) {
      d->call(in, &fin);
      return;
    }
  }
  call_named(in, fin, name, {});
}

// ---- Queue: the overridable methods ------------------------------------------------------

// Queue._init(self, maxsize): self._queue = collections.deque()
Value queue_init(Interp& in, Value* s) {
  field(in, s[0], kQueue, "_queue") = Value(new DequeObj());
  return Value();
}

// Queue._get(self): return self._queue.popleft()
Value queue_get_item(Interp& in, Value* s) {
  Value q = field(in, s[0], kQueue, "_queue");
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
  Value q = field(in, s[0], kQueue, "_queue");
  append(in, q, s[1]);
  return Value();
}

// ---- Queue ---------------------------------------------------------------------------------

// Queue._wakeup_next(self, waiters): wake up the next waiter (if any) that
// isn't cancelled.
Value queue_wakeup_next(Interp& in, Value* s) {
  Value waiters = s[1];
  if (waiters.is(ObjKind::Deque)) {
    auto& items = waiters.as<DequeObj>()->items;
    while (!items.empty()) {
      Value waiter = std::move(items.front());
      items.pop_front();
      if (waiter.is(ObjKind::Future)) {
        FutureObj* f = waiter.as<FutureObj>();
        if (!f->done()) {
          in.future_set_result(f, Value());
          break;
        }
        continue;
      }
      static const std::string kDone = "done", kSetResult = "set_result";
      if (!in.truthy(call_named(in, waiter, kDone, {}))) {
        call_named(in, waiter, kSetResult, {Value()});
        break;
      }
    }
    return Value();
  }
  // while waiters: waiter = waiters.popleft(); ...
  static const std::string kPopleft = "popleft", kDone = "done", kSetResult = "set_result";
  while (in.truthy(waiters)) {
    Value waiter = call_named(in, waiters, kPopleft, {});
    if (!in.truthy(call_named(in, waiter, kDone, {}))) {
      call_named(in, waiter, kSetResult, {Value()});
      break;
    }
  }
  return Value();
}

Value queue_qsize(Interp& in, Value* s) { return py_len(in, Value(field(in, s[0], kQueue, "_queue"))); }

// Queue.qsize(), or the class's own
Value qsize_of(Interp& in, const Value& self, const Hooks& h) {
  Value argv[1] = {self};
  if (is_port(h.def[kQsize], queue_qsize)) return queue_qsize(in, argv);
  return call_hook(in, h, kQsize, argv, 1);
}

Value queue_empty(Interp& in, Value* s) { return Value::boolean(!in.truthy(Value(field(in, s[0], kQueue, "_queue")))); }

// `self.empty()` as a condition
bool empty_of(Interp& in, const Value& self, const Hooks& h) {
  Value argv[1] = {self};
  if (is_port(h.def[kEmpty], queue_empty)) return !in.truthy(Value(field(in, self, kQueue, "_queue")));
  return in.truthy(call_hook(in, h, kEmpty, argv, 1));
}

// Queue.full(): True if there are maxsize items in the queue (never when
// maxsize <= 0).
Value full_impl(Interp& in, const Value& self, const Hooks& h) {
  if (int_le_zero(in, Value(field(in, self, kMaxsize, "_maxsize")))) return Value::boolean(false);
  Value n = qsize_of(in, self, h);
  Value maxsize = field(in, self, kMaxsize, "_maxsize");
  if (n.is_int() && maxsize.is_int()) return Value::boolean(n.as_int() >= maxsize.as_int());
  return Value::boolean(in.compare(CmpOp::Ge, n, maxsize));
}

Value queue_full(Interp& in, Value* s) { return full_impl(in, s[0], hooks_of(s[0])); }

// `self.full()` as a condition
bool full_of(Interp& in, const Value& self, const Hooks& h) {
  if (is_port(h.def[kFull], queue_full)) return full_impl(in, self, h).as_bool();
  Value argv[1] = {self};
  return in.truthy(call_hook(in, h, kFull, argv, 1));
}

// self._wakeup_next(self.<waiters>)
void wakeup_next_of(Interp& in, const Value& self, const Hooks& h, size_t index, std::string_view name) {
  Value argv[2] = {self, field(in, self, index, name)};
  if (is_port(h.def[kWakeupNext], queue_wakeup_next)) queue_wakeup_next(in, argv);
  else call_hook(in, h, kWakeupNext, argv, 2);
}

// Queue.put_nowait(item): put an item into the queue without blocking; if
// no free slot is immediately available, raise QueueFull.
Value queue_put_nowait(Interp& in, Value* s) {
  const Value& self = s[0];
  Hooks h = hooks_of(self);
  if (full_of(in, self, h)) in.raise_value(in.make_exception_args(in.builtins().QueueFull, {}));
  Value argv[2] = {self, s[1]};
  if (is_port(h.def[kPut], queue_put_item)) queue_put_item(in, argv);
  else call_hook(in, h, kPut, argv, 2);
  // self._unfinished_tasks += 1
  Value u = field(in, self, kUnfinished, "_unfinished_tasks");
  Value sum = u.is_int() && u.as_int() < INT64_MAX ? Value::integer(u.as_int() + 1)
                                                   : in.binary_op(BinOp::Add, u, Value::integer(1));
  field(in, self, kUnfinished, "_unfinished_tasks") = std::move(sum);
  call_finished(in, self, false);
  wakeup_next_of(in, self, h, kGetters, "_getters");
  return Value();
}

// Queue.get_nowait(): remove and return an item if one is immediately
// available, else raise QueueEmpty.
Value queue_get_nowait(Interp& in, Value* s) {
  const Value& self = s[0];
  Hooks h = hooks_of(self);
  if (empty_of(in, self, h)) in.raise_value(in.make_exception_args(in.builtins().QueueEmpty, {}));
  Value argv[1] = {self};
  Value item = is_port(h.def[kGet], queue_get_item) ? queue_get_item(in, argv) : call_hook(in, h, kGet, argv, 1);
  wakeup_next_of(in, self, h, kPutters, "_putters");
  return item;
}

// The `except:` of put() and get(), for a waiter that leaves by an
// exception (its task cancelled, or the coroutine closed or thrown into):
//   waiter.cancel()  # Just in case waiter is not done yet.
//   try: self._waiters.remove(waiter)   # it may be gone: _wakeup_next took it
//   except ValueError: pass
//   if not self.<blocked>() and not waiter.cancelled():
//       # We were woken up, but can't take the call. Wake up the next in line.
//       self._wakeup_next(self._waiters)
//   raise
[[noreturn]] void leave_wait(Interp& in, const Value& self, const Value& waiter, bool putter, Value exc) {
  size_t index = putter ? kPutters : kGetters;
  std::string_view name = putter ? "_putters" : "_getters";
  try {
    FutureObj* w = waiter.as<FutureObj>();
    in.future_cancel(w, Value());
    remove_if_there(in, Value(field(in, self, index, name)), waiter);
    Hooks h = hooks_of(self);
    bool blocked = putter ? full_of(in, self, h) : empty_of(in, self, h);
    if (!blocked && w->state != FutureObj::State::Cancelled) wakeup_next_of(in, self, h, index, name);
  } catch (PyException& e) {
    chain_context(e.exc, exc);
    throw;
  }
  in.raise_value(std::move(exc));
}

// async Queue.put(item): while the queue is full, wait on a putter future
// (woken by get_nowait()); then put_nowait(item). Locals: s[2] the label,
// s[3] putter.
NativeStep queue_put(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  if (label_of(s, 2) == 1) {
    s[2] = Value::integer(0);
    Value putter = std::move(s[3]);
    if (how == Resume::Throw) leave_wait(in, self, putter, true, std::move(v));
  } else if (how == Resume::Throw) {
    in.raise_value(std::move(v));  // thrown in before the body ran
  }
  Hooks h = hooks_of(self);
  if (full_of(in, self, h)) {
    Value putter(in.create_future());
    append(in, field(in, self, kPutters, "_putters"), putter);
    s[3] = putter;
    s[2] = Value::integer(1);
    return NativeStep::await(std::move(putter));
  }
  Value argv[2] = {self, s[1]};
  if (is_port(h.def[kPutNowait], queue_put_nowait)) return NativeStep::ret(queue_put_nowait(in, argv));
  return NativeStep::ret(call_hook(in, h, kPutNowait, argv, 2));
}

// async Queue.get(): while the queue is empty, wait on a getter future
// (woken by put_nowait()); then return get_nowait(). Locals: s[1] the
// label, s[2] getter.
NativeStep queue_get(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  if (label_of(s, 1) == 1) {
    s[1] = Value::integer(0);
    Value getter = std::move(s[2]);
    if (how == Resume::Throw) leave_wait(in, self, getter, false, std::move(v));
  } else if (how == Resume::Throw) {
    in.raise_value(std::move(v));  // thrown in before the body ran
  }
  Hooks h = hooks_of(self);
  if (empty_of(in, self, h)) {
    Value getter(in.create_future());
    append(in, field(in, self, kGetters, "_getters"), getter);
    s[2] = getter;
    s[1] = Value::integer(1);
    return NativeStep::await(std::move(getter));
  }
  Value argv[1] = {self};
  if (is_port(h.def[kGetNowait], queue_get_nowait)) return NativeStep::ret(queue_get_nowait(in, argv));
  return NativeStep::ret(call_hook(in, h, kGetNowait, argv, 1));
}

// Queue.task_done(): a formerly enqueued task is complete; join() resumes
// when every item put has had its task_done().
Value queue_task_done(Interp& in, Value* s) {
  const Value& self = s[0];
  Value u = field(in, self, kUnfinished, "_unfinished_tasks");
  if (int_le_zero(in, u)) in.raise(in.builtins().ValueError, "task_done() called too many times");
  // self._unfinished_tasks -= 1
  u = field(in, self, kUnfinished, "_unfinished_tasks");
  Value diff = u.is_int() && u.as_int() > INT64_MIN ? Value::integer(u.as_int() - 1)
                                                    : in.binary_op(BinOp::Sub, u, Value::integer(1));
  field(in, self, kUnfinished, "_unfinished_tasks") = std::move(diff);
  Value now = field(in, self, kUnfinished, "_unfinished_tasks");
  if (now.is_int() ? now.as_int() == 0 : in.compare(CmpOp::Eq, now, Value::integer(0)))
    call_finished(in, self, true);
  return Value();
}

// ---- LifoQueue: retrieves most recently added entries first ----------------------------

// LifoQueue._init / PriorityQueue._init: self._queue = []
Value list_queue_init(Interp& in, Value* s) {
  field(in, s[0], kQueue, "_queue") = make_list();
  return Value();
}

// LifoQueue._put(self, item): self._queue.append(item)
Value lifo_put_item(Interp& in, Value* s) {
  Value q = field(in, s[0], kQueue, "_queue");
  if (q.is(ObjKind::List)) q.as<ListObj>()->items.push_back(s[1]);
  else append(in, q, s[1]);
  return Value();
}

// LifoQueue._get(self): return self._queue.pop()
Value lifo_get_item(Interp& in, Value* s) {
  Value q = field(in, s[0], kQueue, "_queue");
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
  Value q = field(in, s[0], kQueue, "_queue");
  heappush(in, q, s[1]);
  return Value();
}

// PriorityQueue._get(self, heappop=heapq.heappop): return heappop(self._queue)
Value priority_get_item(Interp& in, Value* s) {
  Value q = field(in, s[0], kQueue, "_queue");
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
