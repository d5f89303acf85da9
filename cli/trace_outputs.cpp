#include "cli/trace_outputs.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/output_file.h"
#include "engine/trace/timeline.h"
#include "engine/trace/timeline_svg.h"
#include "engine/trace/timeline_text.h"
#include "engine/trace/trace_json.h"

namespace corun::cli {

int timeline_width(int flag) {
  if (flag > 0) return std::clamp(flag, kMinTimelineWidth, kMaxTimelineWidth);
  auto fit = [](long n) { return int(std::clamp<long>(n, kMinTimelineWidth, kMaxTimelineWidth)); };
  if (const char* c = std::getenv("COLUMNS")) {
    long n = std::strtol(c, nullptr, 10);  // saturates: COLUMNS=99999999999 is simply wide
    if (n > 0) return fit(n);
  }
  winsize ws{};
  if (isatty(STDERR_FILENO) && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return fit(ws.ws_col);
  return 80;
}

bool locale_is_utf8() {
  for (const char* var : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(var);
    if (!v || !*v) continue;
    std::string s(v);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s.find("utf-8") != std::string::npos || s.find("utf8") != std::string::npos;
  }
  return false;
}

TraceOutputs::TraceOutputs(TraceFlags flags, std::string scenario) : flags_(std::move(flags)), scenario_(std::move(scenario)) {}

TraceOutputs::~TraceOutputs() {
  if (log_file_) std::fclose(log_file_);
}

bool TraceOutputs::open() {
  if (!flags_.trace_file.empty()) {
    int fd = open_output_file(flags_.trace_file);
    log_file_ = fd >= 0 ? ::fdopen(fd, "w") : nullptr;
    if (!log_file_) {
      std::cerr << "corun: error: cannot write '" << flags_.trace_file << "': "
                << (errno == ENXIO ? "it is a FIFO with no reader" : std::strerror(errno)) << "\n";
      if (fd >= 0) ::close(fd);
      return false;
    }
    log_ = std::make_unique<TraceLog>(log_file_);
  } else if (flags_.trace) {
    log_ = std::make_unique<TraceLog>(stderr);
  }
  if (log_) fanout_.add(log_.get());
  if (flags_.timeline || !flags_.trace_json.empty() || !flags_.timeline_svg.empty()) fanout_.add(&recorder_);
  return true;
}


bool TraceOutputs::finish() {
  bool ok = true;
  if (log_file_ && (std::fflush(log_file_) != 0 || std::ferror(log_file_))) {
    std::cerr << "corun: error: cannot write '" << flags_.trace_file << "': " << std::strerror(errno) << "\n";
    ok = false;
  }
  const std::vector<TraceEvent>& events = recorder_.recorder.events;
  if (events.empty()) return ok;  // the scenario never ran
  if (recorder_.truncated) {
    std::fflush(stdout);
    std::cerr << "corun: the timeline shows the first " << kMaxRecordedEvents
              << " scheduling events only; the run had more\n";
  }
  Timeline tl = build_timeline(events);
  if (flags_.timeline) {
    std::fflush(stdout);
    std::cerr << render_timeline_text(tl, timeline_width(flags_.width), locale_is_utf8()) << std::flush;
  }
  if (!flags_.trace_json.empty()) ok &= write_output_file(flags_.trace_json, render_trace_json(tl, scenario_));
  if (!flags_.timeline_svg.empty()) ok &= write_output_file(flags_.timeline_svg, render_timeline_svg(tl, scenario_));
  return ok;
}

}  // namespace corun::cli
