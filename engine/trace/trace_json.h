// --trace-json: the timeline in the Chrome Trace Event Format (a JSON object
// with "traceEvents"), which Perfetto UI and chrome://tracing open. Times are
// microseconds of loop time. Mapping in docs/tracing.md.
#pragma once

#include <string>

#include "engine/trace/timeline.h"

namespace corun {

std::string render_trace_json(const Timeline& tl, const std::string& scenario);

// A JSON string literal, quotes included.
std::string json_string(const std::string& s);

}  // namespace corun
