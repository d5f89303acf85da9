// --timeline-svg: the timeline as a self-contained SVG Gantt chart (one row
// per task, an axis, a legend, tooltips), for a README or a slide.
#pragma once

#include <string>

#include "engine/trace/timeline.h"

namespace corun {

std::string render_timeline_svg(const Timeline& tl, const std::string& scenario);

}  // namespace corun
