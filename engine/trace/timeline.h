// Per-task intervals built from the scheduling events (engine/trace/trace.h); the
// terminal, JSON and SVG timelines all draw this model.
//
// A task is, at every moment between its creation and its end, in exactly
// one state: ready (in the loop's ready queue, not yet stepped), running (its
// step is executing), blocking (its step called time.sleep: the whole loop
// stands still) or waiting (suspended on an await). Each point in time also
// carries the loop iteration it belongs to, so that a run whose clock never
// moves can be drawn against iterations instead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/trace/trace.h"

namespace corun {

struct TimePoint {
  int64_t ns = 0;     // loop clock
  uint64_t iter = 0;  // loop iteration (0 = before the loop's first iteration)
};

enum class SpanKind : uint8_t { Ready, Running, Blocking, Waiting };
const char* span_kind_name(SpanKind k);  // "ready", "running", "blocking", "waiting"

struct Span {
  SpanKind kind;
  TimePoint start, end;
  int line = 0;        // waiting/blocking: the await or block line; running: the line it stopped at
  std::string detail;  // waiting: what it waits on; running: how the step ended
};

enum class TaskEnd : uint8_t { Pending, Done, Raised, Cancelled };
const char* task_end_name(TaskEnd e);  // "pending", "done", "raised", "cancelled"

struct TaskRow {
  uint64_t serial = 0;
  std::string name;  // last name seen
  std::string call;  // coroutine call: "task('A', 2)"
  int line = 0;      // creation line
  uint64_t parent = 0;
  TimePoint created, ended;  // ended = end of run when still pending
  TaskEnd end = TaskEnd::Pending;
  std::string result;  // repr of the result or exception
  std::vector<Span> spans;
  std::string label() const { return call.empty() ? name : name + " " + call; }
};

// A wake-up: `to` resumes at `at` because `from` (0 = a timer) ended at
// `from_at` (the awaited task, the last child of a gather, or the timer).
struct Wake {
  uint64_t from = 0, to = 0;
  TimePoint from_at, at;
  std::string what;  // what `to` waited on
};

// A cancellation request, a task raising, a timer firing.
struct Instant {
  enum Kind : uint8_t { CancelRequested, Raised, Cancelled, TimerFired } kind;
  uint64_t task = 0;
  uint64_t by = 0;  // CancelRequested: the canceller (0 = outside any task)
  TimePoint at;
  int line = 0;
  std::string detail;
};

// The ready queue's length when a loop iteration began.
struct ReadySample {
  TimePoint at;
  uint64_t ready = 0;
};

struct Timeline {
  std::vector<TaskRow> tasks;  // in creation order
  std::vector<Wake> wakes;
  std::vector<Instant> instants;
  std::vector<ReadySample> ready;
  TimePoint end;  // the last event
  const TaskRow* find(uint64_t serial) const;
};

Timeline build_timeline(const std::vector<TraceEvent>& events);

// Durations for people: "0s", "1.5s", "250ms", "20us".
std::string format_duration_label(int64_t ns);

// Axis ticks, shared by the text and SVG timelines: a step of 1, 2 or 5
// times a power of ten, at least `min_step` (nanoseconds, at least 1us; or
// iterations), and a tick's label in one unit chosen from the step
// ("0s 0.5s 1s", "0ms 250ms", "#0 #5").
int64_t axis_step(double min_step, bool by_iter);
std::string axis_label(int64_t x, int64_t step, bool by_iter);

}  // namespace corun
