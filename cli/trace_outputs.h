// The run subcommand's tracing flags: --trace, --trace-file, --timeline,
// --trace-json, --timeline-svg. Opens the sinks before the run, hands the
// engine one Tracer that fans out to them, and draws the timelines after.
// With no flag given, tracer() is null and nothing is recorded.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "engine/trace/trace.h"
#include "engine/trace/trace_log.h"

namespace corun::cli {

struct TraceFlags {
  bool trace = false;        // --trace: the log on stderr
  std::string trace_file;    // --trace-file FILE: the log in FILE
  bool timeline = false;     // --timeline: the chart on stderr after the run
  int width = 0;             // --width N (0 = $COLUMNS, the terminal, or 80)
  std::string trace_json;    // --trace-json FILE
  std::string timeline_svg;  // --timeline-svg FILE
};

// The timelines are drawn from every event of the run, kept in memory (about
// 200 bytes each): past this many the rest of the run is not recorded, so
// that --timeline on a long run cannot exhaust the machine.
constexpr size_t kMaxRecordedEvents = 500'000;

// A TraceRecorder that stops at kMaxRecordedEvents.
class BoundedRecorder : public Tracer {
 public:
  void event(TraceEvent e) override {
    if (recorder.events.size() < kMaxRecordedEvents) recorder.event(std::move(e));
    else truncated = true;
  }
  TraceRecorder recorder;
  bool truncated = false;
};

class TraceOutputs {
 public:
  TraceOutputs(TraceFlags flags, std::string scenario);
  ~TraceOutputs();
  // False (with a message on stderr) when a file cannot be opened.
  bool open();
  Tracer* tracer() { return fanout_.empty() ? nullptr : &fanout_; }
  // Draws the timelines; returns false when a file could not be written.
  bool finish();

 private:
  TraceFlags flags_;
  std::string scenario_;
  std::FILE* log_file_ = nullptr;
  std::unique_ptr<TraceLog> log_;
  BoundedRecorder recorder_;
  TraceFanout fanout_;
};

// --width's range: the chart needs 40 columns for a label, a bar and a
// status, and past 10000 a row is no longer a picture (and costs memory).
constexpr int kMinTimelineWidth = 40;
constexpr int kMaxTimelineWidth = 10000;

// Columns for --timeline: --width, else $COLUMNS, else the terminal's width
// when stderr is one, else 80; what comes from the environment is brought
// into the range above.
int timeline_width(int flag);
// LC_ALL, else LC_CTYPE, else LANG names a UTF-8 locale.
bool locale_is_utf8();

}  // namespace corun::cli
