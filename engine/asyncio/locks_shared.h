// What the ports of Lib/asyncio/locks.py share (engine/asyncio/locks.cpp,
// locks_condition.cpp): the deque and exception helpers, and the entry
// points of the ports defined in locks_condition.cpp, which locks.cpp's
// table registers.
#pragma once

#include <algorithm>

#include "engine/asyncio/method_calls.h"
#include "engine/asyncio/native.h"
#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun::locks {

inline DequeObj* deque_of(const Value& v) { return v.as<DequeObj>(); }

// collections.deque.remove(fut): the first item that is `fut` (futures
// compare by identity).
inline void deque_remove(Interp& in, DequeObj* d, const Value& fut) {
  auto it = std::find_if(d->items.begin(), d->items.end(), [&](const Value& w) { return w.same(fut); });
  if (it == d->items.end()) in.raise(in.builtins().ValueError, "deque.remove(x): x not in deque");
  d->items.erase(it);
}

// Lock.acquire and Semaphore.acquire before they wait:
//   if self._waiters is None: self._waiters = collections.deque()
//   fut = self._get_loop().create_future(); self._waiters.append(fut)
// Returns fut, for the caller's `await fut`.
inline Value append_new_waiter(Interp& in, Value& waiters) {
  if (waiters.is_none()) waiters = Value(new DequeObj());
  Value fut(in.create_future());
  deque_of(waiters)->items.push_back(fut);
  return fut;
}

inline bool is_cancelled_error(Interp& in, const Value& exc) {
  return exc.is(ObjKind::Exception) && exc.as<ExcObj>()->type->is_subclass_of(in.builtins().CancelledError);
}

// `x + d` for a counter (self._value += 1): an int's fast path, else Python's.
inline Value add_int(Interp& in, const Value& x, int64_t d) {
  int64_t r;
  if (x.is_int() && !__builtin_add_overflow(x.as_int(), d, &r)) return Value::integer(r);
  return in.binary_op(BinOp::Add, x, Value::integer(d));
}

// `x <op> n` for a counter compared with an int.
inline bool cmp_int(Interp& in, CmpOp op, const Value& x, int64_t n) {
  if (x.is_int() && op <= CmpOp::Ne) return int_compare(op, x.as_int(), n);
  return in.compare(op, x, Value::integer(n));
}

// An exception raised in an `except` or `finally` block while `handled` is
// in flight has it as its __context__ (unless it is that exception).
inline void chain_context(Value& exc, const Value& handled) {
  if (handled.is_unbound() || handled.is_none() || exc.same(handled)) return;
  ExcObj* e = exc.as<ExcObj>();
  if (e->context.is_none()) e->context = handled;
}

// locks_condition.cpp: Condition and Barrier.
Value condition_notify(Interp& in, Value* s);
Value condition_notify_all(Interp& in, Value* s);
NativeStep condition_wait(Interp& in, Value* s, Resume how, Value v);
NativeStep condition_wait_for(Interp& in, Value* s, Resume how, Value v);
NativeStep barrier_wait(Interp& in, Value* s, Resume how, Value v);
NativeStep barrier_reset(Interp& in, Value* s, Resume how, Value v);
NativeStep barrier_abort(Interp& in, Value* s, Resume how, Value v);

// Their locals (NativeDef::nlocals), which fix where each keeps the slots of
// what it awaits inline (method_calls.h: await_room). The deepest chain is
// Barrier.wait -> Condition.wait -> Lock.acquire.
constexpr int kAcquireLocals = 2;                                        // Lock/Semaphore.acquire: label, fut
constexpr int kAenterLocals = await_room(kAcquireLocals);                 // __aenter__: await self.acquire()
constexpr int kConditionWaitLocals = 4 + await_room(kAcquireLocals);      // label, fut, pending, cancelled; acquire
constexpr int kConditionWaitForLocals = 2 + await_room(kConditionWaitLocals);  // label, result; wait
constexpr int kBarrierCondLocals = await_room(kAenterLocals);            // reset/abort: async with self._cond
constexpr int kBarrierWaitLocals = 3 + await_room(kConditionWaitLocals);  // label, index, pending; aenter or wait

}  // namespace corun::locks
