// BaseEventLoop's shared methods (engine/asyncio/loop_methods.cpp), as
// builtins: event_loops.cpp binds them to each loop object.
#pragma once

#include <cstdint>

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct CallArgs;

Value loop_time(Interp& in, const Value& self, CallArgs& a);
Value loop_call_soon(Interp& in, const Value& self, CallArgs& a);
Value loop_call_later(Interp& in, const Value& self, CallArgs& a);
Value loop_call_at(Interp& in, const Value& self, CallArgs& a);
Value loop_create_task(Interp& in, const Value& self, CallArgs& a);
Value loop_create_future(Interp& in, const Value& self, CallArgs& a);
// A TimerHandle's `when` (seconds on the loop's clock) as a deadline in
// nanoseconds: CPython's TypeError for what is not a number, saturated
// nanoseconds otherwise.
int64_t timer_deadline(Interp& in, const Value& when);
// loop.call_later(delay)'s deadline: time() + delay, as CPython computes it.
int64_t call_later_deadline(Interp& in, const Value& delay);
// Handle._run for a callback scheduled by call_soon/call_later/call_at:
// fn(*args); an exception is reported to the loop's exception handler and
// the loop goes on.
void run_callable_handle(Interp& in, const Value& fn, const Value& args);

}  // namespace corun
