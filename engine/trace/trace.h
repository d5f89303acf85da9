// Scheduling events, as the engine decides them. When tracing is off the
// engine holds a null Tracer pointer and each hook is one predictable branch.
//
// Every event carries the loop's time in nanoseconds (virtual or real) and,
// where one caused it, the scenario line. Renderers (text log, terminal
// timeline, Chrome trace JSON, SVG) consume the recorded list after, or
// during, the run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace corun {

enum class TraceKind : uint8_t {
  TaskCreated,    // task, parent (creator), detail = coroutine call, line = where
  TaskStarted,    // task: first step begins
  TaskResumed,    // task: a later step begins (woken)
  TaskSuspended,  // task, detail = what it waits on ("sleep until 2.000", "task Task-3", "future", "yield"), line
  TaskFinished,   // task, detail = repr of the result
  TaskRaised,     // task, detail = repr of the exception
  TaskCancelled,  // task: ended cancelled
  CancelRequested,// task = target, parent = who asked (0 = none), callback, detail = message repr, reason, line
  TimerFired,     // detail = what the timer does ("sleep timer"), task = the sleeper when known
  Woken,          // task = a waiting task whose future was resolved; parent = by which task, or callback = by which
                  // callback (both 0: the loop); detail = "cancel" when it was cancelled, else empty
  CallbackRun,    // callback = its number (1, 2, ...), detail = what it calls, parent = the task that scheduled it
  Block,          // task, duration_ns, line: time.sleep blocked the loop
  Iteration,      // detail empty; ready = ready-queue length when the iteration began
  Io,             // a socket call (engine/asyncio/traced_network.cpp): detail = the call ("socket", "listen",
                  // "connect", "connected", "accept", "recv", "send", "shutdown", "close"), fd, peer_fd = accept's
                  // listener, bytes = recv/send's count, reason = the errno's name when it failed ("EAGAIN");
                  // parent / callback = who made it, as for Woken. Never an address or a port: those change
                  // from run to run on the real clock.
};

struct TraceEvent {
  TraceKind kind;
  int64_t time_ns = 0;
  uint64_t task = 0;    // task serial (Task-N has serial N), 0 = none
  uint64_t parent = 0;  // creator / canceller serial
  int line = 0;
  int64_t duration_ns = 0;
  uint64_t ready = 0;
  uint64_t callback = 0;  // a loop.call_* callback (CallbackRun's number) that caused the event, 0 = none
  std::string name;    // task name at the time of the event
  std::string detail;
  std::string reason;  // CancelRequested: why, when the canceller is not the whole story (TaskGroup abort)
  int fd = -1, peer_fd = -1;  // Io
  int64_t bytes = 0;          // Io
};

// Receives events as they happen. The recorder keeps them for renderers
// that draw the whole run (timelines); a streaming sink can print at once.
class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual void event(TraceEvent e) = 0;
};

class TraceRecorder : public Tracer {
 public:
  void event(TraceEvent e) override { events.push_back(std::move(e)); }
  std::vector<TraceEvent> events;
};

// Passes every event to several sinks in order, so that several renderers
// (the streaming --trace log, the recorder behind the timelines) share a run.
class TraceFanout : public Tracer {
 public:
  void add(Tracer* sink) { sinks_.push_back(sink); }
  bool empty() const { return sinks_.empty(); }
  void event(TraceEvent e) override {
    for (size_t i = 0; i + 1 < sinks_.size(); ++i) sinks_[i]->event(e);
    if (!sinks_.empty()) sinks_.back()->event(std::move(e));
  }

 private:
  std::vector<Tracer*> sinks_;
};

const char* trace_kind_name(TraceKind k);

}  // namespace corun
