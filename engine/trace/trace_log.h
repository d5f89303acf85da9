// The --trace log: one line per scheduling event, written as it happens (so
// a run that aborts still leaves its log). Format in docs/tracing.md:
//
//   TIME  EVENT  SUBJECT  DETAILS [at line N]
//
// TIME is the loop clock in seconds with 6 decimals (virtual or real).
#pragma once

#include <cstdio>
#include <string>
#include <unordered_map>

#include "engine/trace/trace.h"

namespace corun {

class TraceLog : public Tracer {
 public:
  // Writes to `out` (not owned), flushing after every line.
  explicit TraceLog(std::FILE* out) : out_(out) {}
  void event(TraceEvent e) override;

  // The line for one event, without the newline; empty when the event is not
  // logged. Updates the names and waits it remembers.
  std::string format(const TraceEvent& e);

 private:
  std::string who(uint64_t serial) const;
  std::string cause(const TraceEvent& e) const;  // who did it: a task, "callback #N" or "the loop"

  struct Wake {
    bool cancel = false;  // the future was cancelled (the task resumes with CancelledError)
    std::string by;
  };

  std::FILE* out_;
  uint64_t iteration_ = 0;
  std::unordered_map<uint64_t, std::string> names_;  // serial -> task name
  std::unordered_map<uint64_t, std::string> waits_;  // serial -> what it last waited on
  std::unordered_map<uint64_t, Wake> wakes_;         // serial -> what ended its wait, until it resumes
};

// "1.500000": seconds with 6 decimals, as the log prints times.
std::string trace_seconds(int64_t ns);

}  // namespace corun
