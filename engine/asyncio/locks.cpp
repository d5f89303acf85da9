// Lib/asyncio/locks.py (3.11), ported line by line: the same waiter deques
// of futures, the same order of wake-ups, the same handling of a waiter
// cancelled while it waits. Each function below names the CPython code it
// stands for; the classes' fields are declared in the prelude, in the
// order the indices here assume.
#include "engine/asyncio/locks.h"

#include <algorithm>

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// ---- shared pieces -----------------------------------------------------------------------

DequeObj* deque_of(const Value& v) { return v.as<DequeObj>(); }

// collections.deque.remove(fut): the first item that is `fut` (futures
// compare by identity).
void deque_remove(Interp& in, DequeObj* d, const Value& fut) {
  auto it = std::find_if(d->items.begin(), d->items.end(), [&](const Value& w) { return w.same(fut); });
  if (it == d->items.end()) in.raise(in.builtins().ValueError, "deque.remove(x): x not in deque");
  d->items.erase(it);
}

bool is_cancelled_error(Interp& in, const Value& exc) {
  return exc.is(ObjKind::Exception) && exc.as<ExcObj>()->type->is_subclass_of(in.builtins().CancelledError);
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

Value lock_locked(Interp& in, Value* s) { return native_field(in, s[0], kLockLocked, "_locked"); }

// Lock.release()
Value lock_release(Interp& in, Value* s) {
  Value& locked = native_field(in, s[0], kLockLocked, "_locked");
  if (!in.truthy(locked)) in.raise(in.builtins().RuntimeError, "Lock is not acquired.");
  locked = Value::boolean(false);
  lock_wake_up_first(in, s[0]);
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
    if (waiters.is_none()) waiters = Value(new DequeObj());
    fut = Value(in.create_future());
    deque_of(waiters)->items.push_back(fut);
    s[1] = Value::integer(1);
    return NativeStep::await(fut);
  }
  // try: await fut / finally: self._waiters.remove(fut)
  Value f = std::move(fut);
  deque_remove(in, deque_of(native_field(in, self, kLockWaiters, "_waiters")), f);
  if (how == Resume::Throw) {
    // except exceptions.CancelledError: wake the next waiter if the lock is free; raise
    if (is_cancelled_error(in, v) && !in.truthy(native_field(in, self, kLockLocked, "_locked"))) lock_wake_up_first(in, self);
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
  // set_result schedules callbacks only (call_soon), so the deque cannot
  // change under the loop; a copy keeps that true whatever a callback does.
  std::vector<Value> snapshot(deque_of(waiters)->items.begin(), deque_of(waiters)->items.end());
  for (const Value& w : snapshot)
    if (!w.as<FutureObj>()->done()) in.future_set_result(w.as<FutureObj>(), Value::boolean(true));
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

const NativeDef kLocks[] = {
    {"Lock.locked", lock_locked, nullptr, 0},
    {"Lock.release", lock_release, nullptr, 0},
    {"Lock.acquire", nullptr, lock_acquire, 2},
    {"Event.is_set", event_is_set, nullptr, 0},
    {"Event.set", event_set, nullptr, 0},
    {"Event.clear", event_clear, nullptr, 0},
    {"Event.wait", nullptr, event_wait, 2},
};

}  // namespace

std::span<const NativeDef> locks_natives() { return kLocks; }

}  // namespace corun
