// Lib/asyncio/tasks.py (3.11)'s functions, ported line by line: wait_for
// with its waiter future, timeout handle and _release_waiter callback;
// _cancel_and_wait; wait and _wait; shield's two done-callbacks;
// as_completed with its done queue and _wait_for_one coroutines. Each
// function below names the CPython code it stands for.
//
// CPython's closures and functools.partial callbacks are C++ callbacks
// here (Callback, fn(interp, ctx, future)) whose context object holds
// what the closure captured; remove_done_callback(cb) removes exactly the
// entries with that function and that context, as CPython's removes the
// one partial or closure it added. None of them is ever visible to a
// scenario (corun's Future repr does not list callbacks).
//
// Where CPython raises inside an `except` block (fut.result() in wait_for's
// `except CancelledError:`, `raise TimeoutError() from exc`), the new
// exception's __context__ is set as CPython's _PyErr_SetObject sets it.
#include "engine/asyncio/task_functions.h"
#include "engine/asyncio/futures.h"

#include <deque>

#include "engine/asyncio/asyncio_module.h"
#include "engine/asyncio/loop_methods.h"
#include "engine/python/builtins.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// ---- shared pieces -----------------------------------------------------------------------

bool is_future(const Value& v) { return v.is(ObjKind::Future) || v.is(ObjKind::Task); }
FutureObj* fut_of(const Value& v) { return v.as<FutureObj>(); }

// coroutines.iscoroutine(): a coroutine object (not a generator, not an
// async generator).
bool is_coroutine(const Value& v) {
  return v.is(ObjKind::Coroutine) && v.as<CoroObj>()->frame.code->is_coroutine && !v.as<CoroObj>()->frame.code->is_async_gen;
}

bool is_cancelled_error(Interp& in, const Value& exc) {
  return exc.is(ObjKind::Exception) && exc.as<ExcObj>()->type->is_subclass_of(in.builtins().CancelledError);
}

// tasks.py: _ensure_future(arg) -- a future as it is, else a task.
Value ensure_future(Interp& in, const Value& x) {
  if (is_future(x)) return x;
  CallArgs a;
  a.pos = &x;
  a.npos = 1;
  return a_ensure_future(in, Value(), a);
}

// loop.call_later(delay, fn, ctx): CPython's deadline arithmetic and errors.
// `what` names the callback in traces.
Value call_later(Interp& in, const Value& delay, Callback fn, Value ctx, const char* what) {
  Ref<HandleObj> h = in.loop().call_at(call_later_deadline(in, delay), fn, std::move(ctx));
  h->what = what;
  return Value(h);
}

// TimerHandle.cancel() (None: nothing to cancel).
void cancel_handle(Interp& in, const Value& handle) {
  if (!handle.is(ObjKind::Handle)) return;
  HandleObj* h = handle.as<HandleObj>();
  if (h->cancelled) return;
  h->cancelled = true;
  if (h->scheduled) in.loop().timer_cancelled();
}

// fut.remove_done_callback(cb) for a callback added as (fn, ctx).
void remove_callback(FutureObj* f, Callback fn, const Value& ctx) {
  f->callbacks.remove_if([&](const DoneCallback& cb) { return cb.fn == fn && cb.ctx.get() == ctx.obj(); });
}

// What _PyErr_SetObject does to an exception raised while `handled` is
// being handled: its __context__ becomes `handled`, and a cycle that would
// make through handled's own context chain is cut first.
Value raised_in_except(Value exc, const Value& handled) {
  if (!exc.is(ObjKind::Exception) || !handled.is(ObjKind::Exception) || exc.same(handled)) return exc;
  ExcObj* o = handled.as<ExcObj>();
  for (size_t guard = 0; o->context.is(ObjKind::Exception) && guard < 100000; ++guard) {
    if (o->context.same(exc)) {
      o->context = Value();
      break;
    }
    o = o->context.as<ExcObj>();
  }
  exc.as<ExcObj>()->context = handled;
  return exc;
}

// fut.result() inside `except ... :` handling `handled`.
Value result_in_except(Interp& in, FutureObj* f, const Value& handled) {
  Value v;
  if (in.future_outcome(f, v)) in.raise_value(raised_in_except(std::move(v), handled));
  return v;
}

// `return fut.result()` of a port's step: what result() raises is the
// step's Raise, not a C++ throw.
NativeStep result_step(Interp& in, FutureObj* f) {
  Value v;
  if (in.future_outcome(f, v)) return NativeStep::raise(std::move(v));
  return NativeStep::ret(std::move(v));
}

// try: return fut.result()
// except exceptions.CancelledError as exc: raise exceptions.TimeoutError() from exc
// -- every wait_for that times out ends here, so what fut.result() would
// raise is taken from the future and what wait_for raises is the step's
// Raise, with no C++ throw for either.
NativeStep result_or_timeout(Interp& in, FutureObj* f) {
  Value exc;
  if (!in.future_outcome(f, exc)) return NativeStep::ret(std::move(exc));
  if (!is_cancelled_error(in, exc)) return NativeStep::raise(std::move(exc));
  Value te = in.make_exception_args(in.builtins().TimeoutError, {});
  ExcObj* t = te.as<ExcObj>();
  t->cause = exc;
  t->suppress_context = true;
  return NativeStep::raise(raised_in_except(std::move(te), exc));
}

// ---- _release_waiter, _cancel_and_wait -------------------------------------------------

// tasks.py: _release_waiter(waiter, *args) -- a timer's callback and a
// done-callback alike.
void release_waiter(Interp& in, const Value& waiter, const Value&) {
  FutureObj* w = fut_of(waiter);
  if (!w->done()) in.future_set_result(w, Value());
}

// async _cancel_and_wait(fut). Slots: s[0] fut, s[1] the label, s[2] waiter.
NativeStep cancel_and_wait(Interp& in, Value* s, Resume how, Value v) {
  FutureObj* fut = fut_of(s[0]);
  Value& waiter = s[2];
  if (label_of(s, 1) == 0) {
    if (how == Resume::Throw) in.raise_value(std::move(v));
    waiter = Value(in.create_future());
    in.future_add_done_callback(fut, release_waiter, waiter);  // cb = functools.partial(_release_waiter, waiter)
    s[1] = Value::integer(1);
    try {
      in.future_cancel_any(fut, Value());
    } catch (PyException&) {
      remove_callback(fut, release_waiter, waiter);
      throw;
    }
    // We cannot wait on *fut* directly to make sure _cancel_and_wait
    // itself is reliably cancellable.
    return NativeStep::await(waiter);
  }
  // finally: fut.remove_done_callback(cb)
  remove_callback(fut, release_waiter, waiter);
  waiter = Value();
  if (how == Resume::Throw) in.raise_value(std::move(v));
  return NativeStep::ret();
}

// An inline `await _cancel_and_wait(fut)` on the caller's slots `sub`
// (native_delegate's work): its first step.
NativeStep begin_cancel_and_wait(Interp& in, const Value& fut, Value* sub) {
  sub[0] = fut;
  sub[1] = Value::integer(0);
  return cancel_and_wait(in, sub, Resume::Start, Value());
}

// ---- wait_for ------------------------------------------------------------------------------
// async wait_for(fut, timeout), for a timeout that is not None: the
// prelude's wait_for does `return await fut` itself for None (fut may be
// any awaitable, awaited inline, which a native step cannot do) and
// awaits this for the rest.
// Slots: s[0] fut, s[1] timeout; s[2] the label, s[3] waiter,
// s[4] timeout_handle, s[5] the CancelledError being handled, s[6..8]
// _cancel_and_wait's.

enum WaitForLabel : int { kStart, kWaiter, kCancelledCleanup, kTimedOutCleanup, kZeroCleanup };

// `timeout <= 0`, with Python's comparison (and its TypeError).
bool not_positive(Interp& in, const Value& timeout) {
  if (timeout.is_intlike()) return timeout.as_int() <= 0;
  if (timeout.is_float()) return timeout.as_float() <= 0;
  return in.compare(CmpOp::Le, timeout, Value::integer(0));
}

// The part of wait_for inside `try: ... finally: timeout_handle.cancel()`.
NativeStep wait_for_guarded(Interp& in, Value* s, Resume how, Value v) {
  FutureObj* fut = fut_of(s[0]);
  Value* sub = s + 6;
  switch (label_of(s, 2)) {
    case kWaiter:
      // try: await waiter
      if (how == Resume::Throw) {
        if (!is_cancelled_error(in, v)) return NativeStep::raise(std::move(v));
        // except exceptions.CancelledError:
        if (fut->done()) return NativeStep::ret(result_in_except(in, fut, v));
        remove_callback(fut, release_waiter, s[3]);
        // We must ensure that the task is not running after wait_for()
        // returns. See https://bugs.python.org/issue32751
        s[5] = std::move(v);
        s[2] = Value::integer(kCancelledCleanup);
        return begin_cancel_and_wait(in, s[0], sub);
      }
      if (fut->done()) return result_step(in, fut);
      remove_callback(fut, release_waiter, s[3]);
      s[2] = Value::integer(kTimedOutCleanup);
      return begin_cancel_and_wait(in, s[0], sub);
    case kCancelledCleanup: {
      // await _cancel_and_wait(fut); raise -- still handling the CancelledError
      Value handled = s[5];
      try {
        NativeStep r = cancel_and_wait(in, sub, how, std::move(v));
        if (r.kind == NativeStep::Kind::Await) return r;
      } catch (PyException& e) {
        // What is thrown in at that await (the task cancelled again) is
        // chained to the exception being handled, as gen_send_ex's
        // _PyErr_ChainStackItem does.
        in.raise_value(raised_in_except(std::move(e.exc), handled));
      }
      s[5] = Value();
      return NativeStep::raise(std::move(handled));
    }
    case kTimedOutCleanup: {
      // await _cancel_and_wait(fut)
      NativeStep r = cancel_and_wait(in, sub, how, std::move(v));
      if (r.kind == NativeStep::Kind::Await) return r;
      // In case task cancellation failed with some exception, we should
      // re-raise it. See https://bugs.python.org/issue40607
      return result_or_timeout(in, fut);
    }
  }
  in.raise(in.builtins().RuntimeError, "wait_for: bad state");
}

NativeStep wait_for(Interp& in, Value* s, Resume how, Value v) {
  const Value& timeout = s[1];
  int label = label_of(s, 2);
  if (label == kStart) {
    if (how == Resume::Throw) in.raise_value(std::move(v));
    in.running_loop_object();  // loop = events.get_running_loop()
    if (not_positive(in, timeout)) {
      s[0] = ensure_future(in, s[0]);
      FutureObj* fut = fut_of(s[0]);
      if (fut->done()) return result_step(in, fut);
      s[2] = Value::integer(kZeroCleanup);
      return begin_cancel_and_wait(in, s[0], s + 6);
    }
    Value& waiter = s[3];
    waiter = Value(in.create_future());
    s[4] = call_later(in, timeout, release_waiter, waiter, "wait_for: _release_waiter()");  // timeout_handle
    s[0] = ensure_future(in, s[0]);
    in.future_add_done_callback(fut_of(s[0]), release_waiter, waiter);  // cb = functools.partial(_release_waiter, waiter)
    s[2] = Value::integer(kWaiter);
    // wait until the future completes or the timeout
    return NativeStep::await(waiter);
  }
  if (label == kZeroCleanup) {
    // await _cancel_and_wait(fut); then fut.result(), or TimeoutError from its CancelledError
    NativeStep r = cancel_and_wait(in, s + 6, how, std::move(v));
    if (r.kind == NativeStep::Kind::Await) return r;
    return result_or_timeout(in, fut_of(s[0]));
  }
  // finally: timeout_handle.cancel()
  try {
    NativeStep r = wait_for_guarded(in, s, how, std::move(v));
    if (r.kind != NativeStep::Kind::Await) cancel_handle(in, s[4]);
    return r;
  } catch (PyException&) {
    cancel_handle(in, s[4]);
    throw;
  }
}

// ---- wait, _wait -----------------------------------------------------------------------------

enum class ReturnWhen : uint8_t { FirstCompleted, FirstException, AllCompleted };
constexpr const char* kReturnWhen[] = {"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"};

// `return_when in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED)`: which one, or -1.
int return_when_index(Interp& in, const Value& rw) {
  for (int i = 0; i < 3; ++i) {
    if (rw.is(ObjKind::Str) ? str_of(rw) == kReturnWhen[i] : in.compare(CmpOp::Eq, rw, make_str(kReturnWhen[i])))
      return i;
  }
  return -1;
}

// What _wait's _on_completion closes over.
struct WaitState : Object {
  Value waiter;
  Value timeout_handle;  // None without a timeout
  int64_t counter = 0;
  ReturnWhen return_when = ReturnWhen::AllCompleted;
  WaitState() : Object(ObjKind::Misc) {}
};

// _wait's _on_completion(f)
void wait_on_completion(Interp& in, const Value& state, const Value& fv) {
  WaitState* st = state.as<WaitState>();
  FutureObj* f = fut_of(fv);
  st->counter -= 1;
  if (st->counter <= 0 || st->return_when == ReturnWhen::FirstCompleted ||
      (st->return_when == ReturnWhen::FirstException &&
       (f->state != FutureObj::State::Cancelled && !in.future_exception(f).is_none()))) {
    cancel_handle(in, st->timeout_handle);
    if (!fut_of(st->waiter)->done()) in.future_set_result(fut_of(st->waiter), Value());
  }
}

// async _wait(fs, timeout, return_when). Slots: s[0] fs (a set), s[1]
// timeout, s[2] return_when; s[3] the label, s[4] the WaitState.
NativeStep wait_inner(Interp& in, Value* s, Resume how, Value v) {
  SetObj* fs = s[0].as<SetObj>();
  if (label_of(s, 3) == 0) {
    Ref<WaitState> st(new WaitState());
    st->waiter = Value(in.create_future());
    if (!s[1].is_none()) st->timeout_handle = call_later(in, s[1], release_waiter, st->waiter, "wait: _release_waiter()");
    st->counter = int64_t(fs->size());
    st->return_when = ReturnWhen(return_when_index(in, s[2]));
    s[4] = Value(st);
    for (const Value& f : pyset::items(fs)) {
      if (!is_future(f)) {
        in.get_attr(f, "add_done_callback");  // CPython's AttributeError for what has none
        in.raise(in.builtins().TypeError, "corun's asyncio.wait() takes futures and tasks, not '" + in.type_of(f)->name + "'");
      }
      in.future_add_done_callback(fut_of(f), wait_on_completion, s[4]);
    }
    s[3] = Value::integer(1);
    return NativeStep::await(st->waiter);
  }
  // try: await waiter / finally:
  WaitState* st = s[4].as<WaitState>();
  cancel_handle(in, st->timeout_handle);
  std::vector<Value> items = pyset::items(fs);
  for (const Value& f : items) remove_callback(fut_of(f), wait_on_completion, s[4]);
  if (how == Resume::Throw) in.raise_value(std::move(v));
  Ref<SetObj> done(new SetObj()), pending(new SetObj());
  for (const Value& f : items) pyset::add(in, fut_of(f)->done() ? done.get() : pending.get(), f);
  return NativeStep::ret(make_tuple({Value(done), Value(pending)}));
}

// async wait(fs, *, timeout=None, return_when=ALL_COMPLETED). Slots: s[0]
// fs, s[1] timeout, s[2] return_when; s[3] the label, s[4..8] _wait's.
NativeStep wait(Interp& in, Value* s, Resume how, Value v) {
  Value* sub = s + 4;
  if (label_of(s, 3) == 0) {
    if (how == Resume::Throw) in.raise_value(std::move(v));
    const Value& fs = s[0];
    if (is_future(fs) || is_coroutine(fs))
      in.raise(in.builtins().TypeError, "expect a list of futures, not " + in.type_of(fs)->name);
    if (!in.truthy(fs)) in.raise(in.builtins().ValueError, "Set of Tasks/Futures is empty.");
    if (return_when_index(in, s[2]) < 0)
      in.raise(in.builtins().ValueError, "Invalid return_when value: " + in.format(s[2], ""));
    Value set = Value(pyset::make(in, fs, false));  // fs = set(fs)
    for (const Value& f : pyset::items(set.as<SetObj>()))
      if (is_coroutine(f)) in.raise(in.builtins().TypeError, "Passing coroutines is forbidden, use tasks explicitly.");
    in.running_loop_object();  // loop = events.get_running_loop()
    // return await _wait(fs, timeout, return_when, loop)
    sub[0] = std::move(set);
    sub[1] = s[1];
    sub[2] = s[2];
    sub[3] = Value::integer(0);
    s[3] = Value::integer(1);
    return wait_inner(in, sub, Resume::Start, Value());
  }
  return wait_inner(in, sub, how, std::move(v));
}

// ---- shield --------------------------------------------------------------------------------

// shield's _inner_done_callback(inner); ctx: outer.
void shield_inner_done(Interp& in, const Value& outer_value, const Value& inner_value) {
  FutureObj* outer = fut_of(outer_value);
  FutureObj* inner = fut_of(inner_value);
  if (outer->state == FutureObj::State::Cancelled) {
    if (inner->state != FutureObj::State::Cancelled) in.future_exception(inner);  // Mark inner's result as retrieved.
    return;
  }
  if (inner->state == FutureObj::State::Cancelled) {
    in.future_cancel(outer, Value());
  } else {
    Value exc = in.future_exception(inner);
    if (!exc.is_none()) in.future_set_exception(outer, std::move(exc));
    else in.future_set_result(outer, in.future_result(inner));
  }
}

// shield's _outer_done_callback(outer); ctx: inner.
void shield_outer_done(Interp&, const Value& inner_value, const Value& outer_value) {
  FutureObj* inner = fut_of(inner_value);
  if (!inner->done()) remove_callback(inner, shield_inner_done, outer_value);
}

// shield(arg). Slots: s[0] arg.
Value shield(Interp& in, Value* s) {
  Value inner = ensure_future(in, s[0]);
  if (fut_of(inner)->done()) return inner;  // Shortcut.
  Value outer = Value(in.create_future());
  in.future_add_done_callback(fut_of(inner), shield_inner_done, outer);
  in.future_add_done_callback(fut_of(outer), shield_outer_done, inner);
  return outer;
}

// ---- as_completed ----------------------------------------------------------------------------

// What as_completed's closures share: `todo`, `timeout_handle`, and `done`,
// a Queue() no one else sees, of which they use put_nowait() and get():
// its items and its getters' deque are kept here, ported from queues.py.
struct AsCompletedState : Object {
  Value todo;  // a set of futures
  Value timeout_handle;
  std::deque<Value> done;     // done._queue
  std::deque<Value> getters;  // done._getters
  AsCompletedState() : Object(ObjKind::Misc) {}
};

// Queue._wakeup_next(self._getters): wake up the next getter that isn't cancelled.
void wakeup_next(Interp& in, std::deque<Value>& waiters) {
  while (!waiters.empty()) {
    Value waiter = std::move(waiters.front());
    waiters.pop_front();
    if (!fut_of(waiter)->done()) {
      in.future_set_result(fut_of(waiter), Value());
      break;
    }
  }
}

// done.put_nowait(item): the queue is unbounded, and nothing joins it.
void done_put_nowait(Interp& in, AsCompletedState* st, Value item) {
  st->done.push_back(std::move(item));
  wakeup_next(in, st->getters);
}

// as_completed's _on_completion(f)
void as_completed_on_completion(Interp& in, const Value& state, const Value& f) {
  AsCompletedState* st = state.as<AsCompletedState>();
  SetObj* todo = st->todo.as<SetObj>();
  if (todo->size() == 0) return;  // _on_timeout() was here first.
  pyset::discard(in, todo, f);     // todo.remove(f)
  done_put_nowait(in, st, f);
  if (todo->size() == 0) cancel_handle(in, st->timeout_handle);
}

// as_completed's _on_timeout()
void as_completed_on_timeout(Interp& in, const Value& state, const Value&) {
  AsCompletedState* st = state.as<AsCompletedState>();
  SetObj* todo = st->todo.as<SetObj>();
  for (const Value& f : pyset::items(todo)) {
    remove_callback(fut_of(f), as_completed_on_completion, state);
    done_put_nowait(in, st, Value());  // Queue a dummy value for _wait_for_one().
  }
  pyset::clear(todo);  // Can't do todo.remove(f) in the loop.
}

// as_completed(fs, *, timeout=None): a generator in CPython; corun makes
// its list at once, which is what iterating it does (it only yields
// _wait_for_one()). Slots: s[0] fs, s[1] timeout.
Value as_completed(Interp& in, Value* s) {
  const Value& fs = s[0];
  if (is_future(fs) || is_coroutine(fs))
    in.raise(in.builtins().TypeError, "expect an iterable of futures, not " + in.type_of(fs)->name);
  Ref<AsCompletedState> st(new AsCompletedState());
  Value state(st);
  // todo = {ensure_future(f, loop=loop) for f in set(fs)}
  Ref<SetObj> todo(new SetObj());
  Ref<SetObj> given = pyset::make(in, fs, false);
  for (const Value& f : pyset::items(given.get())) pyset::add(in, todo.get(), ensure_future(in, f));
  st->todo = Value(todo);
  std::vector<Value> futures = pyset::items(todo.get());
  for (const Value& f : futures) in.future_add_done_callback(fut_of(f), as_completed_on_completion, state);
  if (!futures.empty() && !s[1].is_none()) st->timeout_handle = call_later(in, s[1], as_completed_on_timeout, state, "as_completed: _on_timeout()");
  std::vector<Value> coros;
  coros.reserve(futures.size());
  Value wait_for_one = in.prelude_function("_wait_for_one");
  for (size_t i = 0; i < futures.size(); ++i) coros.push_back(in.call0(wait_for_one, {state}));
  return make_list(std::move(coros));
}

// async as_completed's _wait_for_one(). Slots: s[0] the state; s[1] the
// label, s[2] getter.
NativeStep wait_for_one(Interp& in, Value* s, Resume how, Value v) {
  AsCompletedState* st = s[0].as<AsCompletedState>();
  // f = await done.get()
  if (label_of(s, 1) == 1) {
    Value getter = std::move(s[2]);
    s[1] = Value::integer(0);
    if (how == Resume::Throw) {
      in.future_cancel(fut_of(getter), Value());  // Just in case getter is not done yet.
      for (auto it = st->getters.begin(); it != st->getters.end(); ++it)
        if (it->same(getter)) {  // Clean self._getters from canceled getters.
          st->getters.erase(it);
          break;
        }
      if (!st->done.empty() && fut_of(getter)->state != FutureObj::State::Cancelled)
        wakeup_next(in, st->getters);  // We were woken up by put_nowait(), but can't take the call.
      in.raise_value(std::move(v));
    }
  } else if (how == Resume::Throw) {
    in.raise_value(std::move(v));
  }
  if (st->done.empty()) {  // while self.empty():
    Value getter = Value(in.create_future());
    st->getters.push_back(getter);
    s[2] = getter;
    s[1] = Value::integer(1);
    return NativeStep::await(std::move(getter));
  }
  Value f = std::move(st->done.front());  // get_nowait()
  st->done.pop_front();
  if (f.is_none()) in.raise_value(in.make_exception_args(in.builtins().TimeoutError, {}));  // Dummy value from _on_timeout().
  return result_step(in, fut_of(f));  // May raise f.exception().
}

const NativeDef kTaskFunctions[] = {
    {"wait_for", nullptr, wait_for, 7},
    {"wait", nullptr, wait, 6},
    {"shield", shield, nullptr, 0},
    {"as_completed", as_completed, nullptr, 0},
    {"as_completed._wait_for_one", nullptr, wait_for_one, 2},
};

}  // namespace

std::span<const NativeDef> task_functions_natives() { return kTaskFunctions; }

std::span<const CallbackName> task_functions_callback_names() {
  static const CallbackName kNames[] = {
      {release_waiter, "_release_waiter", true, true},  // functools.partial(_release_waiter, waiter)
      {wait_on_completion, "_wait.<locals>._on_completion", true},
      {shield_inner_done, "shield.<locals>._inner_done_callback", true},
      {shield_outer_done, "shield.<locals>._outer_done_callback", true},
      {as_completed_on_completion, "as_completed.<locals>._on_completion", true},
  };
  return kNames;
}

}  // namespace corun
