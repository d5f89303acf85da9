#include "cli/trace_outputs.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "engine/timeline.h"
#include "engine/timeline_svg.h"
#include "engine/timeline_text.h"
#include "engine/trace_json.h"

namespace corun::cli {

int timeline_width(int flag) {
  if (flag > 0) return flag;
  if (const char* c = std::getenv("COLUMNS")) {
    int n = std::atoi(c);
    if (n > 0) return n;
  }
  winsize ws{};
  if (isatty(STDERR_FILENO) && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
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
    log_file_ = std::fopen(flags_.trace_file.c_str(), "w");
    if (!log_file_) {
      std::cerr << "corun: cannot write '" << flags_.trace_file << "': " << std::strerror(errno) << "\n";
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

namespace {

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!(out << text) || !out.flush()) {
    std::cerr << "corun: cannot write '" << path << "': " << std::strerror(errno) << "\n";
    return false;
  }
  return true;
}

}  // namespace

bool TraceOutputs::finish() {
  if (recorder_.events.empty()) return true;  // the scenario never ran
  Timeline tl = build_timeline(recorder_.events);
  bool ok = true;
  if (flags_.timeline) {
    std::fflush(stdout);
    std::cerr << render_timeline_text(tl, timeline_width(flags_.width), locale_is_utf8()) << std::flush;
  }
  if (!flags_.trace_json.empty()) ok &= write_file(flags_.trace_json, render_trace_json(tl, scenario_));
  if (!flags_.timeline_svg.empty()) ok &= write_file(flags_.timeline_svg, render_timeline_svg(tl, scenario_));
  return ok;
}

}  // namespace corun::cli
