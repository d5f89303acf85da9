#include "engine/trace/trace_log.h"

namespace corun {

std::string trace_seconds(int64_t ns) {
  char buf[40];
  const char* sign = ns < 0 ? "-" : "";
  uint64_t a = ns < 0 ? uint64_t(-(ns + 1)) + 1 : uint64_t(ns);
  uint64_t us = (a + 500) / 1000;  // microseconds, rounded
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", sign, (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000));
  return buf;
}

std::string TraceLog::who(uint64_t serial) const {
  auto it = names_.find(serial);
  return it != names_.end() ? it->second : "Task-" + std::to_string(serial);
}

std::string TraceLog::cause(const TraceEvent& e) const {
  if (e.parent) return who(e.parent);
  if (e.callback) return "callback #" + std::to_string(e.callback);
  return "the loop";
}

std::string TraceLog::format(const TraceEvent& e) {
  if (e.task) names_[e.task] = e.name;
  std::string time = trace_seconds(e.time_ns);
  if (time.size() < 10) time.insert(0, 10 - time.size(), ' ');
  std::string kind = trace_kind_name(e.kind);
  kind.resize(10, ' ');
  std::string s = time + "  " + kind + "  ";
  std::string at = e.line > 0 ? " at line " + std::to_string(e.line) : "";
  switch (e.kind) {
    case TraceKind::Iteration:
      s += "#" + std::to_string(++iteration_) + ", ready " + std::to_string(e.ready);
      break;
    case TraceKind::TaskCreated:
      s += e.name + " " + e.detail;
      if (e.parent || e.callback) s += " by " + cause(e);
      s += at;
      break;
    case TraceKind::TaskStarted:
      s += e.name;
      break;
    case TraceKind::TaskResumed: {
      s += e.name;
      auto it = waits_.find(e.task);
      std::string wait = it != waits_.end() ? it->second : "";
      auto w = wakes_.find(e.task);
      if (w != wakes_.end() && w->second.cancel) {
        // the wait ended in CancelledError: say so, and who asked
        s += " cancelled by " + w->second.by;
        if (!wait.empty()) s += " during " + wait;
      } else {
        if (!wait.empty()) s += " after " + wait;
        // who handed over, unless the wait names it already (a task, a timer)
        if (w != wakes_.end() && wait != "task " + w->second.by) s += ", woken by " + w->second.by;
      }
      if (w != wakes_.end()) wakes_.erase(w);
      break;
    }
    case TraceKind::TaskSuspended:
      waits_[e.task] = e.detail;
      wakes_.erase(e.task);
      s += e.name + " on " + e.detail + at;
      break;
    case TraceKind::TaskFinished:
      s += e.name + " -> " + e.detail;
      waits_.erase(e.task);
      break;
    case TraceKind::TaskRaised:
    case TraceKind::TaskCancelled:
      s += e.name + " " + e.detail;
      waits_.erase(e.task);
      break;
    case TraceKind::CancelRequested:
      s += e.name;
      if (e.parent || e.callback) s += " by " + cause(e);
      if (!e.detail.empty()) s += " msg " + e.detail;
      if (!e.reason.empty()) s += " (" + e.reason + ")";
      s += at;
      break;
    case TraceKind::Woken:
      // the first wake counts: a waiter woken and then cancelled gets the
      // result it was handed (the cancel arrives at its next await)
      if (!wakes_.count(e.task)) wakes_[e.task] = Wake{e.detail == "cancel", cause(e)};
      s += e.name + (e.detail == "cancel" ? " cancelled by " : " by ") + cause(e);
      break;
    case TraceKind::CallbackRun:
      s += "#" + std::to_string(e.callback) + " " + e.detail;
      if (e.parent) s += " from " + who(e.parent);
      break;
    case TraceKind::TimerFired:
      s += e.detail;
      if (e.task) s += " wakes " + e.name;
      break;
    case TraceKind::Block:
      s += (e.task ? e.name : std::string("loop")) + " for " + trace_seconds(e.duration_ns) + "s" + at;
      break;
    case TraceKind::Io:
      // "recv fd 8: 5 bytes by callback #4", "accept fd 8 on fd 6 by callback #3"
      s += e.detail;
      if (e.fd >= 0) s += " fd " + std::to_string(e.fd);
      if (e.peer_fd >= 0) s += " on fd " + std::to_string(e.peer_fd);
      if (!e.reason.empty()) s += ": " + e.reason;
      s += " by " + cause(e);
      break;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

void TraceLog::event(TraceEvent e) {
  std::string line = format(e);
  if (line.empty()) return;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace corun
