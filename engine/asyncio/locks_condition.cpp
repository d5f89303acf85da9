// Lib/asyncio/locks.py (3.11): Condition and Barrier, ported line by line
// (see locks.cpp, whose table registers them). Condition calls its lock
// through the bound methods __init__ exported (self.locked, self.acquire,
// self.release), so a lock of the user's own is called as CPython calls it;
// Barrier's `async with self._cond`, its _block/_wait (a wait_for on a
// lambda, here a C++ predicate) and _release/_exit run inline in its wait().
#include "engine/asyncio/locks_shared.h"
#include "engine/asyncio/method_calls.h"

namespace corun::locks {

namespace {

// ---- Condition -----------------------------------------------------------------------------
// fields: _lock, locked, acquire, release (the lock's bound methods), _waiters (a deque of futures)

constexpr size_t kCondWaiters = 4;

DequeObj* cond_waiters(Interp& in, const Value& self) { return deque_of(native_field(in, self, kCondWaiters, "_waiters")); }

}  // namespace

// Condition.notify(n=1): wake up to n waiters not yet done, in the order they came.
Value condition_notify(Interp& in, Value* s) {
  const Value& self = s[0];
  const Value& n = s[1];
  if (!in.truthy(call_method(in, self, "locked"))) in.raise(in.builtins().RuntimeError, "cannot notify on un-acquired lock");
  DequeObj* waiters = cond_waiters(in, self);
  int64_t idx = 0;
  // set_result only schedules callbacks: the deque does not change under the loop.
  for (size_t i = 0; i < waiters->items.size(); ++i) {
    if (n.is_int() ? idx >= n.as_int() : in.compare(CmpOp::Ge, Value::integer(idx), n)) break;
    FutureObj* fut = waiters->items[i].as<FutureObj>();
    if (!fut->done()) {
      ++idx;
      in.future_set_result(fut, Value::boolean(false));
    }
  }
  return Value();
}

// Condition.notify_all(): self.notify(len(self._waiters)).
Value condition_notify_all(Interp& in, Value* s) {
  const Value& self = s[0];
  Value n = Value::integer(int64_t(cond_waiters(in, self)->items.size()));
  // A subclass may override notify; the port is called directly otherwise.
  if (self.is(ObjKind::Instance) && !self.as<InstanceObj>()->find("notify"))
    if (const Value* cv = self.as<InstanceObj>()->type->find_attr("notify");
        cv && cv->is(ObjKind::Function) && cv->as<FunctionObj>()->code->native &&
        cv->as<FunctionObj>()->code->native->call == condition_notify) {
      Value slots[2] = {self, n};
      return condition_notify(in, slots);
    }
  return in.call0(in.get_attr(self, "notify"), {n});
}

// async Condition.wait(). Locals: s[1] the label, s[2] fut, s[3] the
// exception the outer `finally` runs for (unbound: none), s[4] `cancelled`,
// then the slots of the `await self.acquire()` it runs.
//
//   if not self.locked(): raise RuntimeError(...)
//   self.release()
//   try:
//       fut = ...create_future(); self._waiters.append(fut)
//       try: await fut; return True
//       finally: self._waiters.remove(fut)
//   finally:
//       # Must reacquire lock even if wait is cancelled
//       cancelled = False
//       while True:
//           try: await self.acquire(); break
//           except exceptions.CancelledError: cancelled = True
//       if cancelled: raise exceptions.CancelledError
NativeStep condition_wait(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  Value* acquire = s + 5;
  constexpr int room = await_room(kAcquireLocals);
  switch (label_of(s, 1)) {
    case 0: {
      if (!in.truthy(call_method(in, self, "locked"))) in.raise(in.builtins().RuntimeError, "cannot wait on un-acquired lock");
      call_method(in, self, "release");
      s[2] = Value(in.create_future());
      cond_waiters(in, self)->items.push_back(s[2]);
      s[1] = Value::integer(1);
      return NativeStep::await(s[2]);
    }
    case 1: {
      Value fut = std::move(s[2]);
      try {
        deque_remove(in, cond_waiters(in, self), fut);
      } catch (PyException& e) {
        if (how == Resume::Throw) chain_context(e.exc, v);
        v = std::move(e.exc);
        how = Resume::Throw;
      }
      s[3] = how == Resume::Throw ? std::move(v) : Value::unbound();
      s[4] = Value::boolean(false);
      reset_slots(acquire, room);
      s[1] = Value::integer(2);
      how = Resume::Start;
      v = Value();
      [[fallthrough]];
    }
    default:
      for (;;) {
        try {
          NativeStep r = await_method(in, self, "acquire", acquire, room, how, std::move(v));
          if (r.kind == NativeStep::Kind::Await) return r;
          break;
        } catch (PyException& e) {
          reset_slots(acquire, room);
          if (!is_cancelled_error(in, e.exc)) {
            chain_context(e.exc, s[3]);
            throw;
          }
          s[4] = Value::boolean(true);
          how = Resume::Start;
          v = Value();
        }
      }
      Value pending = std::move(s[3]);
      s[1] = Value::integer(0);
      if (in.truthy(s[4])) {
        Value exc = in.make_exception_args(in.builtins().CancelledError, {});
        chain_context(exc, pending);
        in.raise_value(std::move(exc));
      }
      if (!pending.is_unbound()) in.raise_value(std::move(pending));
      return NativeStep::ret(Value::boolean(true));
  }
}

// async Condition.wait_for(predicate). Locals: s[2] the label, s[3]
// result, then the slots of the `await self.wait()` it runs.
//   result = predicate()
//   while not result: await self.wait(); result = predicate()
//   return result
NativeStep condition_wait_for(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  Value* wait = s + 4;
  constexpr int room = await_room(kConditionWaitLocals);
  if (label_of(s, 2) == 0) {
    s[3] = in.call0(s[1], {});
  } else {
    NativeStep r = await_method(in, self, "wait", wait, room, how, std::move(v));
    if (r.kind == NativeStep::Kind::Await) return r;
    s[3] = in.call0(s[1], {});
  }
  while (!in.truthy(s[3])) {
    s[2] = Value::integer(1);
    NativeStep r = await_method(in, self, "wait", wait, room, Resume::Start, Value());
    if (r.kind == NativeStep::Kind::Await) return r;
    s[3] = in.call0(s[1], {});
  }
  return NativeStep::ret(std::move(s[3]));
}

// ---- Barrier -------------------------------------------------------------------------------
// fields: _cond, _parties, _state, _count, then parties, n_waiting, broken:
// the properties, kept up to date here as _set_state/_set_count do in the
// prelude. _BarrierState's members are their values, the strings.

namespace {

constexpr size_t kBarCond = 0, kBarParties = 1, kBarState = 2, kBarCount = 3, kBarPartiesProp = 4, kBarNWaiting = 5,
                 kBarBroken = 6;

bool state_is(Interp& in, const Value& self, std::string_view st) {
  const Value& v = native_field(in, self, kBarState, "_state");
  return v.is(ObjKind::Str) && v.as<StrObj>()->s == st;
}

// n_waiting: self._count while FILLING, else 0.
void update_n_waiting(Interp& in, const Value& self) {
  native_field(in, self, kBarNWaiting, "n_waiting") =
      state_is(in, self, "filling") ? native_field(in, self, kBarCount, "_count") : Value::integer(0);
}

void set_state(Interp& in, const Value& self, std::string_view st) {
  native_field(in, self, kBarState, "_state") = make_str(std::string(st));
  native_field(in, self, kBarBroken, "broken") = Value::boolean(st == "broken");
  update_n_waiting(in, self);
}

void add_count(Interp& in, const Value& self, int64_t d) {
  Value& count = native_field(in, self, kBarCount, "_count");
  count = add_int(in, count, d);
  update_n_waiting(in, self);
}

void notify_all(Interp& in, Value cond) { call_method(in, cond, "notify_all"); }

// Barrier._exit(): the last task out signals those waiting for the barrier to drain.
void barrier_exit(Interp& in, const Value& self) {
  if (cmp_int(in, CmpOp::Eq, native_field(in, self, kBarCount, "_count"), 0)) {
    if (state_is(in, self, "resetting") || state_is(in, self, "draining")) set_state(in, self, "filling");
    notify_all(in, native_field(in, self, kBarCond, "_cond"));
  }
}

// `async with self._cond:`'s exit: Condition.__aexit__ releases the lock.
void cond_exit(Interp& in, const Value& self) {
  Value cond = native_field(in, self, kBarCond, "_cond");
  call_method(in, cond, "release");
}

// One `await self._cond.wait_for(pred)` on the slots `m`: the predicate is
// tested before each wait (m[0] unbound: no wait running), as wait_for does.
NativeStep barrier_wait_until(Interp& in, const Value& self, bool (*pred)(Interp&, const Value&), Value* m, Resume how, Value v) {
  constexpr int room = await_room(kConditionWaitLocals);
  Value cond = native_field(in, self, kBarCond, "_cond");
  for (;;) {
    if (m[0].is_unbound() && pred(in, self)) return NativeStep::ret();
    NativeStep r = await_method(in, cond, "wait", m, room, how, std::move(v));
    if (r.kind == NativeStep::Kind::Await) return r;
    how = Resume::Start;
    v = Value();
  }
}

bool ready(Interp& in, const Value& self) { return !state_is(in, self, "draining") && !state_is(in, self, "resetting"); }
bool filled(Interp& in, const Value& self) { return !state_is(in, self, "filling"); }

[[noreturn]] void broken_barrier(Interp& in, const char* msg) { in.raise(in.builtins().BrokenBarrierError, msg); }

}  // namespace

// async Barrier.wait(). Locals: s[1] the label, s[2] index, s[3] unused,
// then the slots of what it awaits inline (the condition's __aenter__, or
// a wait of _block's or _wait's wait_for).
//   async with self._cond:
//       await self._block()   # wait_for(state not in (DRAINING, RESETTING)); BROKEN: raise
//       try:
//           index = self._count; self._count += 1
//           if index + 1 == self._parties: await self._release()   # DRAINING; notify_all
//           else: await self._wait()   # wait_for(state is not FILLING); BROKEN/RESETTING: raise
//           return index
//       finally:
//           self._count -= 1; self._exit()
NativeStep barrier_wait(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  Value* m = s + 4;
  constexpr int room = await_room(kConditionWaitLocals);
  int label = label_of(s, 1);
  if (label == 0) {
    reset_slots(m, room);
    label = 1;
  }
  if (label == 1) {
    s[1] = Value::integer(1);
    Value cond = native_field(in, self, kBarCond, "_cond");
    NativeStep r = await_method(in, cond, "__aenter__", m, room, how, std::move(v));
    if (r.kind == NativeStep::Kind::Await) return r;
    reset_slots(m, room);
    how = Resume::Start;
    v = Value();
    label = 2;
  }
  try {
    if (label == 2) {  // await self._block()
      s[1] = Value::integer(2);
      NativeStep r = barrier_wait_until(in, self, ready, m, how, std::move(v));
      if (r.kind == NativeStep::Kind::Await) return r;
      if (state_is(in, self, "broken")) broken_barrier(in, "Barrier aborted");
      // try:
      s[2] = native_field(in, self, kBarCount, "_count");
      add_count(in, self, 1);
      if (in.compare(CmpOp::Eq, add_int(in, s[2], 1), native_field(in, self, kBarParties, "_parties"))) {
        // await self._release()
        set_state(in, self, "draining");
        notify_all(in, native_field(in, self, kBarCond, "_cond"));
        label = 4;
      } else {
        reset_slots(m, room);
        how = Resume::Start;
        v = Value();
        label = 3;
      }
    }
    if (label == 3) {  // await self._wait()
      s[1] = Value::integer(3);
      try {
        NativeStep r = barrier_wait_until(in, self, filled, m, how, std::move(v));
        if (r.kind == NativeStep::Kind::Await) return r;
        if (state_is(in, self, "broken") || state_is(in, self, "resetting")) broken_barrier(in, "Abort or reset of barrier");
      } catch (PyException& e) {
        // finally: (raising)
        try {
          add_count(in, self, -1);
          barrier_exit(in, self);
        } catch (PyException& e2) {
          chain_context(e2.exc, e.exc);
          throw;
        }
        throw;
      }
    }
    // finally: (returning index)
    add_count(in, self, -1);
    barrier_exit(in, self);
  } catch (PyException& e) {
    s[1] = Value::integer(0);
    try {
      cond_exit(in, self);
    } catch (PyException& e2) {
      chain_context(e2.exc, e.exc);
      throw;
    }
    throw;
  }
  s[1] = Value::integer(0);
  cond_exit(in, self);
  return NativeStep::ret(std::move(s[2]));
}

namespace {

// `async with self._cond: <body>` for reset() and abort(), whose bodies
// do not await. Locals: the slots of the condition's __aenter__.
NativeStep with_cond(Interp& in, Value* s, Resume how, Value v, void (*body)(Interp&, const Value&)) {
  const Value& self = s[0];
  Value cond = native_field(in, self, kBarCond, "_cond");
  NativeStep r = await_method(in, cond, "__aenter__", s + 1, kBarrierCondLocals, how, std::move(v));
  if (r.kind == NativeStep::Kind::Await) return r;
  try {
    body(in, self);
  } catch (PyException& e) {
    try {
      cond_exit(in, self);
    } catch (PyException& e2) {
      chain_context(e2.exc, e.exc);
      throw;
    }
    throw;
  }
  cond_exit(in, self);
  return NativeStep::ret();
}

// Barrier.reset()'s body: tasks waiting get BrokenBarrierError.
void reset_body(Interp& in, const Value& self) {
  if (cmp_int(in, CmpOp::Gt, native_field(in, self, kBarCount, "_count"), 0)) {
    if (!state_is(in, self, "resetting")) set_state(in, self, "resetting");
  } else {
    set_state(in, self, "filling");
  }
  notify_all(in, native_field(in, self, kBarCond, "_cond"));
}

// Barrier.abort()'s body: broken, for those waiting and those to come.
void abort_body(Interp& in, const Value& self) {
  set_state(in, self, "broken");
  notify_all(in, native_field(in, self, kBarCond, "_cond"));
}

}  // namespace

NativeStep barrier_reset(Interp& in, Value* s, Resume how, Value v) { return with_cond(in, s, how, std::move(v), reset_body); }
NativeStep barrier_abort(Interp& in, Value* s, Resume how, Value v) { return with_cond(in, s, how, std::move(v), abort_body); }

}  // namespace corun::locks
