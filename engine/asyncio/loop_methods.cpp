// BaseEventLoop's methods that every loop object shares (base_events.py):
// time(), call_soon(), call_later(), call_at(), create_task() and
// create_future(); engine/asyncio/event_loops.cpp binds them to each loop.
// A deadline is kept in integer nanoseconds on the loop's clock; anything
// that is not an int or a float goes through CPython's own arithmetic, for
// its result or its TypeError.
#include "engine/asyncio/loop_methods.h"

#include <cmath>

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

Value loop_time(Interp& in, const Value&, CallArgs&) { return Value::flt(in.loop().time()); }

// A handle's callback is any callable; an exception in it is logged and the
// loop goes on, as BaseEventLoop.call_exception_handler does.
void run_callable_handle(Interp& in, const Value& fn, const Value& args) {
  try {
    in.call0(fn, args.as<TupleObj>()->items);
  } catch (PyException& e) {
    Value handle = in.loops().handle;
    if (!handle.is(ObjKind::Handle)) handle = Value(new HandleObj(run_callable_handle, fn, args));
    in.report_callback_exception(e.exc, handle);
  }
}

std::vector<Value> rest_args(CallArgs& a, size_t from) {
  return from < a.npos ? std::vector<Value>(a.pos + from, a.pos + a.npos) : std::vector<Value>{};
}

Value loop_call_soon(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 1) in.raise(in.builtins().TypeError, "call_soon() missing 1 required positional argument: 'callback'");
  Ref<HandleObj> h(new HandleObj(run_callable_handle, a.pos[0], make_tuple(rest_args(a, 1))));
  in.loop().note_scheduler(h.get());
  in.loop().call_handle_soon(h);
  return Value(h);
}

// A TimerHandle's `when` (seconds on the loop's clock) as a deadline in ns.
// CPython keeps any object there; _run_once's `handle._when >= end_time`
// is the first arithmetic with it, and its TypeError is raised here instead.
int64_t timer_deadline(Interp& in, const Value& when) {
  if (when.is_intlike()) return int_seconds_to_ns(when.as_int());
  if (when.is_float()) {
    double d = when.as_float();
    return std::isnan(d) ? in.loop().now() : float_seconds_to_ns(d);  // nan >= x is false: due at once
  }
  if (when.is_bigint()) return in.compare(CmpOp::Gt, when, Value::integer(0)) ? kNever : INT64_MIN;
  in.compare(CmpOp::Ge, when, Value::flt(in.loop().time()));  // raises CPython's TypeError
  in.raise(in.builtins().TypeError, "a number of seconds is required, not '" + in.type_of(when)->name + "'");
}

// loop.call_later(delay): CPython schedules call_at(self.time() + delay), in
// floats. Ints and floats take the exact nanosecond path; anything else does
// CPython's addition, for its result or its TypeError / OverflowError.
int64_t call_later_deadline(Interp& in, const Value& delay) {
  EventLoop& loop = in.loop();
  if (delay.is_intlike()) return add_ns_saturated(loop.now(), int_seconds_to_ns(delay.as_int()));
  if (delay.is_float()) {
    // time() + nan is a deadline every comparison calls due: it fires at once.
    if (std::isnan(delay.as_float())) return loop.now();
    return add_ns_saturated(loop.now(), float_seconds_to_ns(delay.as_float()));
  }
  if (delay.is_none()) in.raise(in.builtins().TypeError, "delay must not be None");
  Value when = in.binary_op(BinOp::Add, Value::flt(loop.time()), delay);
  return timer_deadline(in, when);
}

Value loop_call_later(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 2) in.raise(in.builtins().TypeError, "call_later() takes a delay and a callback");
  return Value(in.loop().call_at(call_later_deadline(in, a.pos[0]), run_callable_handle, a.pos[1], make_tuple(rest_args(a, 2))));
}

Value loop_call_at(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 2) in.raise(in.builtins().TypeError, "call_at() takes a time and a callback");
  if (a.pos[0].is_none()) in.raise(in.builtins().TypeError, "when cannot be None");
  return Value(in.loop().call_at(timer_deadline(in, a.pos[0]), run_callable_handle, a.pos[1], make_tuple(rest_args(a, 2))));
}

Value loop_create_task(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "create_task() takes one coroutine");
  const Value* name = a.kwarg("name");
  return Value(in.create_task(a.pos[0], name ? *name : Value()));
}
Value loop_create_future(Interp& in, const Value&, CallArgs&) { return Value(in.create_future()); }

}  // namespace corun
