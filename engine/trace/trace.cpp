#include "engine/trace/trace.h"

namespace corun {

const char* trace_kind_name(TraceKind k) {
  switch (k) {
    case TraceKind::TaskCreated: return "created";
    case TraceKind::TaskStarted: return "started";
    case TraceKind::TaskResumed: return "resumed";
    case TraceKind::TaskSuspended: return "suspended";
    case TraceKind::TaskFinished: return "finished";
    case TraceKind::TaskRaised: return "raised";
    case TraceKind::TaskCancelled: return "cancelled";
    case TraceKind::CancelRequested: return "cancel";
    case TraceKind::TimerFired: return "timer";
    case TraceKind::Woken: return "wake";
    case TraceKind::CallbackRun: return "callback";
    case TraceKind::Block: return "block";
    case TraceKind::Iteration: return "iteration";
    case TraceKind::Io: return "io";
  }
  return "?";
}

}  // namespace corun
