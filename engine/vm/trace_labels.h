// What the scheduling trace (engine/trace/trace.h) says about values, tasks
// and callbacks. Two rules, so that a trace never changes what it watches
// and two runs give the same files byte for byte:
//   * no scenario code runs (no user __repr__, no prelude class's __repr__);
//   * no object address is printed: Python's repr would number it
//     (fake_address), shifting the addresses the program itself prints.
// Numbers, strings and containers of them read as repr() does; any other
// object as its type in angle brackets ("<Queue>", "<function ping>",
// "<Task 'worker-1'>"). Labels are cut to a length a chart can show.
#pragma once

#include <string>

#include "engine/python/objects.h"

namespace corun {

class Interp;

// A value, for a trace label (at most about 60 columns).
std::string trace_repr(Interp& in, const Value& v);
// A callable and its arguments, as a handle's callback: "ping('soon')",
// "Future.set_result(1)", "<Timeout>._on_timeout()".
std::string trace_call(Interp& in, const Value& fn, const std::vector<Value>& args);

}  // namespace corun
