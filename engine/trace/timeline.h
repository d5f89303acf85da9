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
  // Cancelled: the last cancel() requested, by a task or else a callback (0, 0: the loop)
  uint64_t cancelled_by = 0, cancelled_by_callback = 0;
  std::vector<Span> spans;
  std::string label() const { return call.empty() ? name : name + " " + call; }
};

// A wake-up: `to` resumes at `at` because, at `from_at`, task `from` (or,
// when it is 0, callback number `callback`, or else a timer) resolved what
// it waited on: set a future or an Event, put to a Queue, released a Lock,
// ended (the awaited task, a gather's last child), fired; or cancelled it.
struct Wake {
  uint64_t from = 0, to = 0;
  TimePoint from_at, at;
  std::string what;  // what `to` waited on
  uint64_t callback = 0;
  bool cancel = false;  // `from` cancelled `to`: it resumes with CancelledError
};

// A cancellation request, a task raising or ending cancelled, a timer
// firing, a loop.call_* callback running.
struct Instant {
  enum Kind : uint8_t { CancelRequested, Raised, Cancelled, TimerFired, Callback } kind;
  uint64_t task = 0;
  uint64_t by = 0;  // CancelRequested, Cancelled: the canceller; Callback: who scheduled it (0 = no task)
  TimePoint at;
  int line = 0;
  std::string detail;    // the message, exception, timer or callback
  uint64_t callback = 0;  // Callback: its number; CancelRequested, Cancelled: the callback that cancelled
  std::string reason;     // CancelRequested: why (a TaskGroup's abort)
};

// A socket from socket() or accept() to close() (or the end of the run), and
// the calls made on it (TraceKind::Io): the connections, reads and writes
// of a run that uses streams.
struct SocketRow {
  int fd = -1;
  // "listener" (listen() was called), "client" (connect()), "accepted"
  // (accept() made it), or "socket" (none of those yet)
  std::string kind = "socket";
  int listener = -1;  // accepted: the listening fd
  TimePoint opened, closed;  // closed = end of run when still open
  bool is_closed = false;
  int64_t sent = 0, received = 0;
  struct Op {
    TimePoint at;
    std::string call;     // "connect", "recv", "send", ...
    std::string outcome;  // "5 bytes", "EOF", "EAGAIN", or empty
    int64_t bytes = 0;
    uint64_t task = 0, callback = 0;  // who made the call
  };
  std::vector<Op> ops;
  std::string label() const { return "fd " + std::to_string(fd) + " " + kind; }
};

// "Task-3", "callback #2 ping('x')" or "event loop": who did something.
std::string cause_label(const struct Timeline& tl, uint64_t task, uint64_t callback);

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
  std::vector<SocketRow> sockets;  // in the order they were opened
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
