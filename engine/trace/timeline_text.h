// The --timeline chart: one row per task, time across, drawn in `width`
// columns with Unicode block characters or, when !utf8, plain ASCII.
// Marks (docs/tracing.md): running █ #, blocking the loop ▓ X, waiting ─ -,
// ready · . ; a run whose clock never moved is drawn against loop iterations.
#pragma once

#include <string>

#include "engine/trace/timeline.h"

namespace corun {

std::string render_timeline_text(const Timeline& tl, int width, bool utf8);

}  // namespace corun
