// Lib/asyncio/locks.py (3.11), ported line by line: the same waiter deques
// of futures, the same order of wake-ups, the same handling of a waiter
// cancelled while it waits. Each function below names the CPython code it
// stands for; the classes' fields are declared in the prelude, in the
// order the indices here assume. This file: _ContextManagerMixin, Lock,
// Event, Semaphore, BoundedSemaphore, and the table of every locks.py port
// (Condition and Barrier are in locks_condition.cpp).
//
// Where CPython calls a method through `self` (self.locked(), await
// self.acquire(), self.release()), so may a replacement; those calls go
// through method_calls.h, which runs the port directly only when the port
// is what the lookup finds. The private helpers (_wake_up_first,
// _wake_up_next) are run directly unless the instance has attributes of
// its own beyond its class's fields (one of them could replace the helper).
#include "engine/asyncio/locks.h"

#include "engine/asyncio/locks_shared.h"
#include "engine/asyncio/method_calls.h"

namespace corun {

using namespace locks;

namespace {

// ---- _ContextManagerMixin (Lock, Condition, Semaphore) ---------------------------------------

// async __aenter__(self): await self.acquire(); return None.
// Locals: the slots of the acquire awaited (kAenterLocals).
NativeStep mixin_aenter(Interp& in, Value* s, Resume how, Value v) {
  NativeStep r = await_method(in, s[0], "acquire", s + 1, kAenterLocals, how, std::move(v));
  if (r.kind == NativeStep::Kind::Return) return NativeStep::ret();
  return r;
}

// async __aexit__(self, exc_type, exc, tb): self.release().
NativeStep mixin_aexit(Interp& in, Value* s, Resume, Value) {
  call_method(in, s[0], "release");
  return NativeStep::ret();
}

// ---- Lock ----------------------------------------------------------------------------------
// fields: _waiters (None, or a deque of futures), _locked

constexpr size_t kLockWaiters = 0, kLockLocked = 1;

// Lock._wake_up_first(): wake the first waiter, unless it is done already
// (cancelled: it will call this again as it leaves).
void lock_wake_up_first(Interp& in, const Value& self) {
  Value& waiters = native_field(in, self, kLockWaiters, "_waiters");
  if (waiters.is_none() || deque_of(waiters)->items.empty()) return;
  FutureObj* fut = deque_of(waiters)->items.front().as<FutureObj>();
  if (!fut->done()) in.future_set_result(fut, Value::boolean(true));
}

// self._wake_up_first()
void call_wake_up_first(Interp& in, const Value& self) {
  if (has_own_attributes(self)) call_method(in, self, "_wake_up_first");
  else lock_wake_up_first(in, self);
}

Value lock_locked(Interp& in, Value* s) { return native_field(in, s[0], kLockLocked, "_locked"); }

// Lock.release()
Value lock_release(Interp& in, Value* s) {
  Value& locked = native_field(in, s[0], kLockLocked, "_locked");
  if (!in.truthy(locked)) in.raise(in.builtins().RuntimeError, "Lock is not acquired.");
  locked = Value::boolean(false);
  call_wake_up_first(in, s[0]);
  return Value();
}

// async Lock.acquire(). Locals: s[1] the label, s[2] fut.
NativeStep lock_acquire(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  Value& fut = s[2];
  if (label_of(s, 1) == 0) {
    Value& waiters = native_field(in, self, kLockWaiters, "_waiters");
    Value& locked = native_field(in, self, kLockLocked, "_locked");
    if (!in.truthy(locked)) {
      bool all_cancelled = true;
      if (!waiters.is_none())
        for (const Value& w : deque_of(waiters)->items)
          if (w.as<FutureObj>()->state != FutureObj::State::Cancelled) { all_cancelled = false; break; }
      if (all_cancelled) {
        locked = Value::boolean(true);
        return NativeStep::ret(Value::boolean(true));
      }
    }
    fut = append_new_waiter(in, waiters);
    s[1] = Value::integer(1);
    return NativeStep::await(fut);
  }
  // try: await fut / finally: self._waiters.remove(fut)
  Value f = std::move(fut);
  deque_remove(in, deque_of(native_field(in, self, kLockWaiters, "_waiters")), f);
  if (how == Resume::Throw) {
    // except exceptions.CancelledError: wake the next waiter if the lock is free; raise
    if (is_cancelled_error(in, v) && !in.truthy(native_field(in, self, kLockLocked, "_locked"))) call_wake_up_first(in, self);
    in.raise_value(std::move(v));
  }
  native_field(in, self, kLockLocked, "_locked") = Value::boolean(true);
  return NativeStep::ret(Value::boolean(true));
}

// ---- Event ---------------------------------------------------------------------------------
// fields: _waiters (a deque of futures), _value

constexpr size_t kEventWaiters = 0, kEventValue = 1;

Value event_is_set(Interp& in, Value* s) { return native_field(in, s[0], kEventValue, "_value"); }

// Event.set(): every waiter not yet done gets True, in the order they came.
Value event_set(Interp& in, Value* s) {
  Value& value = native_field(in, s[0], kEventValue, "_value");
  if (in.truthy(value)) return Value();
  value = Value::boolean(true);
  Value waiters = native_field(in, s[0], kEventWaiters, "_waiters");
  // set_result schedules callbacks only (call_soon), so the deque does not
  // change under the loop; it is walked by position, not copied (a copy
  // would be 16 bytes more per waiter at the peak), and its size read
  // afresh at each step all the same.
  const std::deque<Value>& items = deque_of(waiters)->items;
  for (size_t i = 0; i < items.size(); ++i) {
    Value w = items[i];
    if (!w.as<FutureObj>()->done()) in.future_set_result(w.as<FutureObj>(), Value::boolean(true));
  }
  return Value();
}

Value event_clear(Interp& in, Value* s) {
  native_field(in, s[0], kEventValue, "_value") = Value::boolean(false);
  return Value();
}

// async Event.wait(). Locals: s[1] the label, s[2] fut.
NativeStep event_wait(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  Value& fut = s[2];
  if (label_of(s, 1) == 0) {
    if (in.truthy(native_field(in, self, kEventValue, "_value"))) return NativeStep::ret(Value::boolean(true));
    fut = Value(in.create_future());
    deque_of(native_field(in, self, kEventWaiters, "_waiters"))->items.push_back(fut);
    s[1] = Value::integer(1);
    return NativeStep::await(fut);
  }
  // try: await fut; return True / finally: self._waiters.remove(fut)
  Value f = std::move(fut);
  deque_remove(in, deque_of(native_field(in, self, kEventWaiters, "_waiters")), f);
  if (how == Resume::Throw) in.raise_value(std::move(v));
  return NativeStep::ret(Value::boolean(true));
}

// ---- Semaphore -----------------------------------------------------------------------------
// fields: _waiters (None, or a deque of futures), _value; BoundedSemaphore adds _bound_value

constexpr size_t kSemWaiters = 0, kSemValue = 1, kSemBound = 2;

// Semaphore.locked(): self._value == 0 or any(not w.cancelled() for w in (self._waiters or ()))
Value semaphore_locked(Interp& in, Value* s) {
  if (cmp_int(in, CmpOp::Eq, native_field(in, s[0], kSemValue, "_value"), 0)) return Value::boolean(true);
  const Value& waiters = native_field(in, s[0], kSemWaiters, "_waiters");
  if (!waiters.is_none())
    for (const Value& w : deque_of(waiters)->items)
      if (w.as<FutureObj>()->state != FutureObj::State::Cancelled) return Value::boolean(true);
  return Value::boolean(false);
}

// Semaphore._wake_up_next(): wake the first waiter that isn't done, taking
// its unit of the value for it.
void semaphore_wake_up_next(Interp& in, const Value& self) {
  const Value& waiters = native_field(in, self, kSemWaiters, "_waiters");
  if (waiters.is_none()) return;
  for (const Value& w : deque_of(waiters)->items) {
    FutureObj* fut = w.as<FutureObj>();
    if (!fut->done()) {
      Value& value = native_field(in, self, kSemValue, "_value");
      value = add_int(in, value, -1);
      in.future_set_result(fut, Value::boolean(true));
      return;
    }
  }
}

// self._wake_up_next()
void call_wake_up_next(Interp& in, const Value& self) {
  if (has_own_attributes(self)) call_method(in, self, "_wake_up_next");
  else semaphore_wake_up_next(in, self);
}

// async Semaphore.acquire(). Locals: s[1] the label, s[2] fut.
NativeStep semaphore_acquire(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  Value& fut = s[2];
  if (label_of(s, 1) == 0) {
    if (!in.truthy(call_method(in, self, "locked"))) {
      Value& value = native_field(in, self, kSemValue, "_value");
      value = add_int(in, value, -1);
      return NativeStep::ret(Value::boolean(true));
    }
    Value& waiters = native_field(in, self, kSemWaiters, "_waiters");
    fut = append_new_waiter(in, waiters);
    s[1] = Value::integer(1);
    return NativeStep::await(fut);
  }
  // try: await fut / finally: self._waiters.remove(fut)
  Value f = std::move(fut);
  deque_remove(in, deque_of(native_field(in, self, kSemWaiters, "_waiters")), f);
  if (how == Resume::Throw) {
    // except exceptions.CancelledError: a waiter whose future was set
    // before the cancellation came hands its unit on; raise
    if (is_cancelled_error(in, v) && f.as<FutureObj>()->state != FutureObj::State::Cancelled) {
      Value& value = native_field(in, self, kSemValue, "_value");
      value = add_int(in, value, 1);
      call_wake_up_next(in, self);
    }
    in.raise_value(std::move(v));
  }
  if (cmp_int(in, CmpOp::Gt, native_field(in, self, kSemValue, "_value"), 0)) call_wake_up_next(in, self);
  return NativeStep::ret(Value::boolean(true));
}

// Semaphore.release()
Value semaphore_release(Interp& in, Value* s) {
  Value& value = native_field(in, s[0], kSemValue, "_value");
  value = add_int(in, value, 1);
  call_wake_up_next(in, s[0]);
  return Value();
}

// BoundedSemaphore.release()
Value bounded_semaphore_release(Interp& in, Value* s) {
  const Value& value = native_field(in, s[0], kSemValue, "_value");
  if (in.compare(CmpOp::Ge, value, native_field(in, s[0], kSemBound, "_bound_value")))
    in.raise(in.builtins().ValueError, "BoundedSemaphore released too many times");
  return semaphore_release(in, s);  // super().release()
}

const NativeDef kLocks[] = {
    {"Lock.__aenter__", nullptr, mixin_aenter, kAenterLocals},
    {"Lock.__aexit__", nullptr, mixin_aexit, 0},
    {"Lock.locked", lock_locked, nullptr, 0},
    {"Lock.release", lock_release, nullptr, 0},
    {"Lock.acquire", nullptr, lock_acquire, kAcquireLocals},
    {"Event.is_set", event_is_set, nullptr, 0},
    {"Event.set", event_set, nullptr, 0},
    {"Event.clear", event_clear, nullptr, 0},
    {"Event.wait", nullptr, event_wait, 2},
    {"Condition.__aenter__", nullptr, mixin_aenter, kAenterLocals},
    {"Condition.__aexit__", nullptr, mixin_aexit, 0},
    {"Condition.wait", nullptr, condition_wait, kConditionWaitLocals},
    {"Condition.wait_for", nullptr, condition_wait_for, kConditionWaitForLocals},
    {"Condition.notify", condition_notify, nullptr, 0},
    {"Condition.notify_all", condition_notify_all, nullptr, 0},
    {"Semaphore.__aenter__", nullptr, mixin_aenter, kAenterLocals},
    {"Semaphore.__aexit__", nullptr, mixin_aexit, 0},
    {"Semaphore.locked", semaphore_locked, nullptr, 0},
    {"Semaphore.acquire", nullptr, semaphore_acquire, kAcquireLocals},
    {"Semaphore.release", semaphore_release, nullptr, 0},
    {"BoundedSemaphore.release", bounded_semaphore_release, nullptr, 0},
    {"Barrier.wait", nullptr, barrier_wait, kBarrierWaitLocals},
    {"Barrier.reset", nullptr, barrier_reset, kBarrierCondLocals},
    {"Barrier.abort", nullptr, barrier_abort, kBarrierCondLocals},
};

}  // namespace

std::span<const NativeDef> locks_natives() { return kLocks; }

}  // namespace corun
