#include "engine/trace/timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>
#include <unordered_map>

namespace corun {

const char* span_kind_name(SpanKind k) {
  switch (k) {
    case SpanKind::Ready: return "ready";
    case SpanKind::Running: return "running";
    case SpanKind::Blocking: return "blocking";
    case SpanKind::Waiting: return "waiting";
  }
  return "?";
}

const char* task_end_name(TaskEnd e) {
  switch (e) {
    case TaskEnd::Pending: return "pending";
    case TaskEnd::Done: return "done";
    case TaskEnd::Raised: return "raised";
    case TaskEnd::Cancelled: return "cancelled";
  }
  return "?";
}

const TaskRow* Timeline::find(uint64_t serial) const {
  for (auto& t : tasks)
    if (t.serial == serial) return &t;
  return nullptr;
}

std::string cause_label(const Timeline& tl, uint64_t task, uint64_t callback) {
  if (task) {
    const TaskRow* t = tl.find(task);
    return t ? t->name : "Task-" + std::to_string(task);
  }
  if (callback) {
    for (const Instant& i : tl.instants)
      if (i.kind == Instant::Callback && i.callback == callback) return "callback #" + std::to_string(callback) + " " + i.detail;
    return "callback #" + std::to_string(callback);
  }
  return "event loop";
}

namespace {

struct Open {
  size_t row = 0;
  bool live = false;   // created and not ended
  Span span{SpanKind::Ready};  // the span in progress
  // A wake-up seen while waiting: the loop made it ready at `wake.at`.
  bool woken = false;
  bool exact = false;  // woken by a Woken event (who resolved the future), not deduced
  Wake wake;
};

}  // namespace

Timeline build_timeline(const std::vector<TraceEvent>& events) {
  Timeline tl;
  std::unordered_map<uint64_t, Open> open;
  std::unordered_map<uint64_t, size_t> row_of;
  uint64_t iter = 0;
  uint64_t main_task = 0;  // the first task; what asyncio.run creates after it ends is teardown
  std::unordered_map<uint64_t, std::pair<uint64_t, uint64_t>> last_cancel;  // task -> (by task, by callback)
  std::unordered_map<uint64_t, TimePoint> callback_at;                      // callback number -> when it ran
  bool main_ended = false;

  auto close = [&](Open& o, TimePoint at) {
    o.span.end = at;
    tl.tasks[o.row].spans.push_back(o.span);
  };
  auto begin = [&](Open& o, SpanKind k, TimePoint at, int line = 0, std::string detail = {}) {
    o.span = Span{k, at, at, line, std::move(detail)};
  };
  // A task ended: whoever waits on it, or on a gather it belongs to, is woken.
  auto ended = [&](uint64_t serial, TimePoint at) {
    const TaskRow& done = tl.tasks[row_of[serial]];
    for (auto& [w, o] : open) {
      if (!o.live || o.span.kind != SpanKind::Waiting) continue;
      const std::string& on = o.span.detail;
      bool on_task = on == "task " + done.name;
      bool on_gather = on.rfind("gather", 0) == 0 && done.parent == w;
      if ((on_task || on_gather) && !o.exact) {  // a gather wakes on its last child: the latest wins
        o.woken = true;
        o.wake = Wake{serial, w, at, at, on};
      }
    }
  };

  // Sockets: the row of each open fd (an fd number is reused once closed).
  std::unordered_map<int, size_t> socket_of;
  auto socket_event = [&](const TraceEvent& e, TimePoint at) {
    tl.end = TimePoint{std::max(tl.end.ns, e.time_ns), iter};
    if (e.fd < 0) return;  // an accept that found nothing, a socket() that failed
    bool opens = (e.detail == "socket" || e.detail == "accept") && e.reason.empty();
    if (opens) {
      socket_of[e.fd] = tl.sockets.size();
      SocketRow r;
      r.fd = e.fd;
      r.opened = at;
      if (e.detail == "accept") {
        r.kind = "accepted";
        r.listener = e.peer_fd;
      }
      tl.sockets.push_back(std::move(r));
    }
    auto it = socket_of.find(e.fd);
    if (it == socket_of.end()) return;
    SocketRow& row = tl.sockets[it->second];
    if (e.detail == "listen" && e.reason.empty()) row.kind = "listener";
    if (e.detail == "connect" && row.kind == "socket") row.kind = "client";
    if (e.detail == "send") row.sent += e.bytes;
    if (e.detail == "recv") row.received += e.bytes;
    if (e.detail != "socket") row.ops.push_back(SocketRow::Op{at, e.detail, e.reason, e.bytes, e.parent, e.callback});
    if (e.detail == "close" && e.reason.empty()) {
      row.closed = at;
      row.is_closed = true;
      socket_of.erase(it);
    }
  };

  size_t live = 0;
  auto extend = [&](int64_t ns) { tl.end = TimePoint{std::max(tl.end.ns, ns), iter}; };
  for (const TraceEvent& e : events) {
    TimePoint at{e.time_ns, iter};
    const bool tracked = e.task && row_of.count(e.task);
    if (e.kind == TraceKind::Iteration) {
      at.iter = ++iter;
      if (main_ended && live == 0) continue;  // asyncio.run's teardown
      extend(e.time_ns);
      tl.ready.push_back(ReadySample{at, e.ready});
      continue;
    }
    if (e.kind == TraceKind::TaskCreated) {
      if (main_ended) continue;  // shutdown_asyncgens() and the like
      if (!main_task) main_task = e.task;
      extend(e.time_ns);
      row_of[e.task] = tl.tasks.size();
      TaskRow r;
      r.serial = e.task;
      r.name = e.name;
      r.call = e.detail;
      r.line = e.line;
      r.parent = e.parent;
      r.created = at;
      tl.tasks.push_back(std::move(r));
      Open& o = open[e.task];
      o.row = row_of[e.task];
      o.live = true;
      ++live;
      begin(o, SpanKind::Ready, at);
      continue;
    }
    if (e.kind == TraceKind::Io) {
      socket_event(e, at);
      continue;
    }
    if (!tracked && !(e.task == 0 && !(main_ended && live == 0))) continue;
    extend(e.time_ns);
    if (e.kind == TraceKind::CancelRequested) {
      tl.instants.push_back(Instant{Instant::CancelRequested, e.task, e.parent, at, e.line, e.detail, e.callback, e.reason});
      last_cancel[e.task] = {e.parent, e.callback};
      continue;
    }
    if (e.kind == TraceKind::CallbackRun) {
      callback_at[e.callback] = at;
      tl.instants.push_back(Instant{Instant::Callback, 0, e.parent, at, 0, e.detail, e.callback, {}});
      continue;
    }
    if (e.kind == TraceKind::Woken) {
      // the first who resolved the wait counts (a waiter handed a result and
      // then cancelled still gets the result)
      auto it = open.find(e.task);
      if (it == open.end() || !it->second.live || it->second.span.kind != SpanKind::Waiting || it->second.exact) continue;
      Open& o = it->second;
      if (!e.parent && !e.callback && o.woken) continue;  // the loop: what was deduced says more
      o.woken = true;
      o.exact = e.parent || e.callback;
      o.wake = Wake{e.parent, e.task, at, at, o.span.detail, e.callback, e.detail == "cancel"};
      // The hand-off starts where the waker is drawn: a task that already
      // ended (its end, its done-callback) at its end; a callback where it began.
      if (e.parent) {
        auto w = row_of.find(e.parent);
        if (w != row_of.end() && tl.tasks[w->second].end != TaskEnd::Pending) o.wake.from_at = tl.tasks[w->second].ended;
      } else if (callback_at.count(e.callback)) {
        o.wake.from_at = callback_at[e.callback];
      }
      if (o.wake.from_at.ns < o.span.start.ns) o.wake.from_at = o.span.start;  // never before the wait began
      continue;
    }
    if (e.kind == TraceKind::TimerFired) {
      tl.instants.push_back(Instant{Instant::TimerFired, e.task, 0, at, 0, e.detail});
      auto it = open.find(e.task);
      if (e.task && it != open.end() && it->second.live && it->second.span.kind == SpanKind::Waiting) {
        it->second.woken = true;
        it->second.wake = Wake{0, e.task, at, at, it->second.span.detail};
      }
      continue;
    }
    auto it = open.find(e.task);
    if (it == open.end() || !it->second.live) {
      if (e.kind == TraceKind::Block && e.duration_ns > 0) extend(e.time_ns + e.duration_ns);
      continue;  // a block outside any task, or an event after the task ended
    }
    Open& o = it->second;
    TaskRow& row = tl.tasks[o.row];
    if (!e.name.empty()) row.name = e.name;
    switch (e.kind) {
      case TraceKind::TaskStarted:
      case TraceKind::TaskResumed: {
        if (o.span.kind == SpanKind::Waiting && o.woken && o.wake.from_at.ns <= at.ns) {
          // waiting until the wake-up, then ready until the step begins
          TimePoint woke = o.wake.from_at;
          close(o, woke);
          if (woke.ns < at.ns) {
            begin(o, SpanKind::Ready, woke);
            close(o, at);
          }
          o.wake.at = at;
          tl.wakes.push_back(o.wake);
        } else {
          close(o, at);
        }
        o.woken = o.exact = false;
        int line = o.span.kind == SpanKind::Waiting ? o.span.line : 0;
        begin(o, SpanKind::Running, at, line);
        break;
      }
      case TraceKind::Block: {
        if (o.span.kind != SpanKind::Running) break;
        close(o, at);
        TimePoint until{e.time_ns + e.duration_ns, iter};
        begin(o, SpanKind::Blocking, at, e.line, "time.sleep");
        close(o, until);
        begin(o, SpanKind::Running, until, e.line);
        extend(until.ns);
        break;
      }
      case TraceKind::TaskSuspended:
        o.span.detail = "suspended on " + e.detail;
        o.span.line = e.line;
        close(o, at);
        begin(o, SpanKind::Waiting, at, e.line, e.detail);
        break;
      case TraceKind::TaskFinished:
      case TraceKind::TaskRaised:
      case TraceKind::TaskCancelled:
        o.span.detail = e.kind == TraceKind::TaskFinished ? "returned " + e.detail : "raised " + e.detail;
        close(o, at);
        o.live = false;
        --live;
        row.ended = at;
        row.result = e.detail;
        row.end = e.kind == TraceKind::TaskFinished ? TaskEnd::Done
                  : e.kind == TraceKind::TaskRaised ? TaskEnd::Raised
                                                    : TaskEnd::Cancelled;
        if (e.kind == TraceKind::TaskCancelled) {
          auto c = last_cancel.find(e.task);
          if (c != last_cancel.end()) std::tie(row.cancelled_by, row.cancelled_by_callback) = c->second;
        }
        if (e.kind != TraceKind::TaskFinished)
          tl.instants.push_back(Instant{e.kind == TraceKind::TaskRaised ? Instant::Raised : Instant::Cancelled, e.task,
                                        row.cancelled_by, at, 0, e.detail, row.cancelled_by_callback, {}});
        ended(e.task, at);
        if (e.task == main_task) main_ended = true;
        break;
      default:
        break;
    }
  }
  // Still pending when the run ended (deadlock, a guard, main returned early).
  for (auto& row : tl.tasks) {
    Open& o = open[row.serial];
    if (!o.live) continue;
    close(o, tl.end);
    row.ended = tl.end;
  }
  for (auto& s : tl.sockets)
    if (!s.is_closed) s.closed = tl.end;
  return tl;
}

std::string format_duration_label(int64_t ns) {
  auto fmt = [](double v, const char* unit) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s + unit;
  };
  int64_t a = ns < 0 ? -ns : ns;
  if (a == 0) return "0s";
  if (a >= 1000000000 || a % 1000000000 == 0) return fmt(double(ns) / 1e9, "s");
  if (a >= 1000000) return fmt(double(ns) / 1e6, "ms");
  if (a >= 1000) return fmt(double(ns) / 1e3, "us");
  return std::to_string(ns) + "ns";
}

int64_t axis_step(double min_step, bool by_iter) {
  if (!by_iter) min_step = std::max(min_step, 1000.0);
  if (min_step <= 1) return 1;
  double p = std::pow(10.0, std::floor(std::log10(min_step)));
  // A run that ends near the top of the int64 clock (docs/language.md §12)
  // asks for steps past it: the whole axis is then one step.
  auto fit = [](double step) { return step >= 9.2e18 ? INT64_MAX : int64_t(std::llround(step)); };
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= min_step * (1 - 1e-9)) return fit(m * p);
  return fit(10 * p);
}

std::string axis_label(int64_t x, int64_t step, bool by_iter) {
  if (by_iter) return "#" + std::to_string(x);
  double scale;
  const char* unit;
  if (step >= 100000000) scale = 1e9, unit = "s";
  else if (step >= 100000) scale = 1e6, unit = "ms";
  else scale = 1e3, unit = "us";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3f", double(x) / scale);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + unit;
}

}  // namespace corun
