// Tasks and gather, after Lib/asyncio/tasks.py (3.11): a task's first step is
// scheduled with call_soon; it wakes through its own __wakeup done-callback,
// never inline; cancel() cancels the future it waits on, or arranges for
// CancelledError to be thrown into it at its next step.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "engine/python/builtins.h"
#include "engine/asyncio/futures.h"
#include "engine/vm/interp.h"
#include "engine/python/recursion.h"
#include "engine/vm/trace_labels.h"

namespace corun {

namespace {

void task_step(Interp& in, const Value& task, const Value& exc);

// Task.__wakeup(future)
void task_wakeup(Interp& in, const Value& task, const Value& future) {
  Value outcome;  // try: future.result() / except BaseException as exc: self.__step(exc)
  bool raised = in.future_outcome(future.as<FutureObj>(), outcome);
  task_step(in, task, raised ? outcome : Value());
}

// sleep's future.cancel(msg). Its done-callback, the task's __wakeup, is
// the step with the CancelledError future.result() will raise, made now:
// the message is fixed from here on.
bool cancel_sleep(Interp& in, TaskObj* t, const Value& msg) {
  if (t->sleep != TaskObj::Sleep::Pending) return false;
  t->sleep = TaskObj::Sleep::Cancelled;
  if (in.tracer()) in.trace_wake(t, true);
  in.loop().call_soon(task_step, Value(t), in.cancelled_error(msg));
  return true;
}

bool is_cancelled_error(Interp& in, const Value& exc) {
  return exc.is(ObjKind::Exception) && exc.as<ExcObj>()->type->is_subclass_of(in.builtins().CancelledError);
}

// Task.__step(exc)
void task_step(Interp& in, const Value& task_value, const Value& exc_in) {
  TaskObj* t = task_value.as<TaskObj>();
  if (t->done()) return;  // CPython raises InvalidStateError here; it cannot happen through corun's paths
  Value exc = exc_in;  // None on the hot path: no reference to count
  if (t->must_cancel) {
    if (!is_cancelled_error(in, exc)) exc = in.make_cancelled_error(t);
    t->must_cancel = false;
  }
  t->fut_waiter.reset();
  t->sleep = TaskObj::Sleep::None;
  Value result;
  if (in.tracer()) {
    bool first = t->coro->state == CoroObj::State::Created;
    in.trace(first ? TraceKind::TaskStarted : TraceKind::TaskResumed, t);
  }
  Interp::StepOutcome outcome = in.run_task(t, exc, result);
  // What the step does from here on (resolve the task's future, cancel what
  // it waits on) the trace puts down to the task.
  if (in.tracer()) in.set_trace_cause(t->serial);
  switch (outcome) {
    case Interp::StepOutcome::Returned:
      if (in.tracer()) in.trace(t->must_cancel ? TraceKind::TaskCancelled : TraceKind::TaskFinished, t, 0, trace_repr(in, result));
      if (t->must_cancel) {
        t->must_cancel = false;
        in.future_cancel(t, Value(t->cancel_message()));
      } else {
        in.future_set_result(t, std::move(result));
      }
      break;
    case Interp::StepOutcome::Raised:
      if (in.tracer())
        in.trace(is_cancelled_error(in, result) ? TraceKind::TaskCancelled : TraceKind::TaskRaised, t, 0, trace_repr(in, result));
      if (is_cancelled_error(in, result)) {
        in.future_cancel(t, Value());
        t->cancelled_exc() = result;  // re-raised once by the first await of the task
      } else {
        in.future_set_exception(t, std::move(result));
      }
      break;
    case Interp::StepOutcome::Yield0:
      if (in.tracer()) in.trace(TraceKind::TaskSuspended, t, Interp::scenario_line(t->top), "yield");
      in.loop().call_soon(task_step, task_value);
      break;
    case Interp::StepOutcome::YieldSleep:  // traced by the sleep, which knows its deadline
      if (t->must_cancel && cancel_sleep(in, t, t->cancel_message())) t->must_cancel = false;
      break;
    case Interp::StepOutcome::YieldFuture: {
      FutureObj* f = result.as<FutureObj>();
      if (f == t) {
        in.loop().call_soon(task_step, task_value,
                            in.make_exception(in.builtins().RuntimeError, "Task cannot await on itself: " + in.repr(task_value)));
        break;
      }
      in.future_add_done_callback(f, task_wakeup, task_value);
      t->fut_waiter = Ref<FutureObj>(f);
      if (in.tracer()) in.trace(TraceKind::TaskSuspended, t, Interp::scenario_line(t->top), in.describe_wait(t));
      if (t->must_cancel) {
        if (in.future_cancel_any(f, t->cancel_message())) t->must_cancel = false;
      }
      break;
    }
  }
  if (in.tracer()) in.set_trace_cause(0);
}

}  // namespace

bool is_task_wakeup(Callback fn) { return fn == task_wakeup; }

// sleep()'s TimerHandle ran: futures._set_result_unless_cancelled.
void sleep_timer_fired(Interp& in, const Value& task, const Value&) {
  TaskObj* t = task.as<TaskObj>();
  t->fire_queued = false;
  if (t->fire_cancelled) {
    t->fire_cancelled = false;
    return;
  }
  if (t->sleep != TaskObj::Sleep::Pending) return;
  if (in.tracer()) in.trace(TraceKind::TimerFired, t, 0, "sleep timer");
  t->sleep = TaskObj::Sleep::Done;
  in.loop().call_soon(task_step, task);  // the future's done-callback: the task's __wakeup
}

// "Executing <Task ...> took 0.500 seconds", as BaseEventLoop._run_once logs
// in debug mode (CPython adds where each future was created).
void Interp::report_slow_callback(Callback fn, const Value& a, int64_t ns) {
  std::string what;
  if ((fn == task_step || fn == task_wakeup) && a.is(ObjKind::Task)) {
    what = repr(a);  // with its wait_for= (task_repr)
  } else {
    what = "<Handle>";
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.3f", double(ns) / 1e9);
  write_err("Executing " + what + " took " + secs + " seconds\n");
}

Ref<TaskObj> Interp::create_task(Value coro, Value name) {
  if (!coro.is(ObjKind::Coroutine)) raise(builtins_->TypeError, "a coroutine was expected, got " + repr(coro));
  CoroObj* c = coro.as<CoroObj>();
  if (c->frame.code->is_async_gen || c->frame.code->is_generator) raise(builtins_->TypeError, "a coroutine was expected, got " + repr(coro));
  if (c->state != CoroObj::State::Created || c->awaited)
    raise(builtins_->RuntimeError, "cannot reuse already awaited coroutine");
  c->awaited = true;
  Ref<TaskObj> t(new TaskObj());
  t->serial = ++task_counter_;
  if (!name.is_none()) t->set_name(str(name));
  t->coro = Ref<CoroObj>(c);
  t->top = &c->frame;
  loop_->call_soon(task_step, Value(t));
  if (tracer()) {
    int line = c->created_line;
    trace(TraceKind::TaskCreated, t.get(), line, describe_call(c), current_task_ ? current_task_->serial : 0);
  }
  t->registry_index = tasks_.size();
  tasks_.push_back(t.get());
  return t;
}

// Task.cancel(msg)
bool Interp::task_cancel(TaskObj* t, Value msg) {
  t->log_traceback = false;
  if (t->done()) return false;
  if (tracer()) trace(TraceKind::CancelRequested, t, 0, msg.is_none() ? "" : trace_repr(*this, msg), trace_waker());
  ++t->num_cancels_requested;
  if (t->sleep != TaskObj::Sleep::None) {
    if (cancel_sleep(*this, t, msg)) return true;
  } else if (!t->fut_waiter.is_none()) {
    // the future t waits on, cancelled to cancel t: the trace's "cancelled by"
    TaskObj* outer = trace_cancelling_;
    trace_cancelling_ = t;
    bool cancelled = future_cancel_any(t->fut_waiter.get(), msg);
    trace_cancelling_ = outer;
    if (cancelled) return true;
  }
  t->must_cancel = true;
  t->cancel_message() = std::move(msg);
  return true;
}

// fut.cancel(msg) dispatched on the kind of future, as Python's method call is.
bool Interp::future_cancel_any(FutureObj* f, Value msg) {
  // A task cancels the future it waits on, which may be a task waiting in
  // turn, or a gather cancelling its children: as deep as the data, where
  // CPython calls cancel() methods and hits its recursion limit.
  NativeRecursion guard(" while calling a Python object");
  if (f->okind == ObjKind::Task) return task_cancel(static_cast<TaskObj*>(f), std::move(msg));
  if (f->is_gathering) {
    // _GatheringFuture.cancel: cancel the children; the outer future is
    // resolved by their done callbacks.
    if (f->done()) return false;
    bool ret = false;
    auto* g = static_cast<GatherFutureObj*>(f);
    std::vector<Value> children = g->children;
    for (auto& child : children)
      if (future_cancel_any(child.as<FutureObj>(), msg)) ret = true;
    if (ret) g->cancel_requested = true;
    return ret;
  }
  return future_cancel(f, std::move(msg));
}

std::vector<TaskObj*> Interp::all_tasks() const {
  std::vector<TaskObj*> out;
  for (TaskObj* t : tasks_) if (t && !t->done()) out.push_back(t);
  return out;
}

namespace {
// Names given with name= or set_name(); most tasks keep their "Task-n".
thread_local std::unordered_map<const TaskObj*, std::string> g_task_names;
}  // namespace

std::string TaskObj::name() const {
  if (!custom_name) return "Task-" + std::to_string(serial);
  auto it = g_task_names.find(this);
  return it == g_task_names.end() ? std::string() : it->second;
}

void TaskObj::set_name(std::string n) {
  custom_name = true;
  g_task_names[this] = std::move(n);
}

TaskObj::~TaskObj() {
  if (custom_name) g_task_names.erase(this);
  if (Interp* in = current_interp()) in->forget_task(this);
}

GatherFutureObj::~GatherFutureObj() {
  if (Interp* in = current_interp()) in->forget_gather(this);
}

void Interp::forget_gather(GatherFutureObj* g) {
  if (g->registry_index < gathers_.size() && gathers_[g->registry_index] == g) {
    // The last one moves into its place: the list's order means nothing.
    gathers_[g->registry_index] = gathers_.back();
    gathers_[g->registry_index]->registry_index = g->registry_index;
    gathers_.pop_back();
  }
}

void Interp::forget_task(TaskObj* t) {
  if (t->registry_index >= tasks_.size() || tasks_[t->registry_index] != t) return;
  tasks_[t->registry_index] = nullptr;
  // Compact now and then so the list stays proportional to live tasks.
  if (++dead_tasks_ > 1024 && dead_tasks_ * 2 > tasks_.size()) {
    size_t out = 0;
    for (TaskObj* live : tasks_) {
      if (!live) continue;
      live->registry_index = out;
      tasks_[out++] = live;
    }
    tasks_.resize(out);
    dead_tasks_ = 0;
  }
}

// ---- gather ------------------------------------------------------------------------------

namespace {

struct GatherState : Object {
  Value outer;  // the _GatheringFuture
  size_t nfuts = 0;
  size_t nfinished = 0;
  bool return_exceptions = false;
  GatherState() : Object(ObjKind::Misc) {}
};

// gather's _done_callback(fut)
void gather_done(Interp& in, const Value& state_value, const Value& fut_value) {
  GatherState* st = state_value.as<GatherState>();
  FutureObj* fut = fut_value.as<FutureObj>();
  auto* outer = st->outer.as<GatherFutureObj>();
  ++st->nfinished;
  if (outer->done()) {
    if (fut->state != FutureObj::State::Cancelled) fut->log_traceback = false;  // fut.exception(): mark retrieved
    return;
  }
  if (!st->return_exceptions) {
    if (fut->state == FutureObj::State::Cancelled) {
      in.future_set_exception(outer, in.make_cancelled_error(fut));
      return;
    }
    fut->log_traceback = false;
    if (!fut->exception.is_none()) {
      in.future_set_exception(outer, fut->exception);
      return;
    }
  }
  if (st->nfinished == st->nfuts) {
    std::vector<Value> results;
    results.reserve(outer->children.size());
    Value empty;  // '' (one str for all, as CPython's '' is one object)
    for (auto& child_value : outer->children) {
      FutureObj* child = child_value.as<FutureObj>();
      if (child->state == FutureObj::State::Cancelled) {
        // CancelledError('' if msg is None else msg): a new one, no context.
        if (child->cancel_message().is_none() && empty.is_none()) empty = make_str("");
        Value msg = child->cancel_message().is_none() ? empty : child->cancel_message();
        results.push_back(in.make_exception_args(in.builtins().CancelledError, {msg}));
      } else {
        child->log_traceback = false;
        results.push_back(child->exception.is_none() ? child->result : child->exception);
      }
    }
    if (outer->cancel_requested) {
      in.future_set_exception(outer, in.make_cancelled_error(fut));
    } else {
      in.future_set_result(outer, make_list(std::move(results)));
    }
  }
}

}  // namespace

Value Interp::gather(std::vector<Value> awaitables, bool return_exceptions) {
  if (awaitables.empty()) {
    Ref<FutureObj> outer = create_future();
    future_set_result(outer.get(), make_list());
    return Value(outer);
  }
  Ref<GatherFutureObj> outer(new GatherFutureObj());
  outer->registry_index = gathers_.size();
  gathers_.push_back(outer.get());
  Ref<GatherState> st(new GatherState());
  st->outer = Value(outer);
  st->return_exceptions = return_exceptions;
  // ensure_future each argument; an argument given twice is one child
  // (arg_to_fut in CPython). Repeats are rare, so a task is spotted with a
  // mark instead of a map; plain futures (rarer still) go in a set.
  static thread_local uint32_t gather_calls = 0;
  uint32_t mark = ++gather_calls;
  std::unordered_set<const Object*> plain_futures;
  // Each argument is replaced by its future in place: the children list is
  // the argument list, not a second copy of it.
  std::vector<Value>& children = awaitables;
  // A list grown by doubling: trimmed now, before the tasks exist, so the
  // copy never coexists with them at the peak.
  if (children.capacity() > children.size() + children.size() / 8) children.shrink_to_fit();
  for (size_t i = 0; i < children.size(); ++i) {
    Value arg = std::move(children[i]);
    Value fut;
    if (arg.is(ObjKind::Coroutine) && arg.as<CoroObj>()->awaited) {
      for (size_t j = 0; j < i; ++j)
        if (children[j].is(ObjKind::Task) && children[j].as<TaskObj>()->coro.get() == arg.obj()) fut = children[j];
    } else if (arg.is(ObjKind::Task) ? arg.as<TaskObj>()->gather_mark == mark
                                     : arg.is(ObjKind::Future) && plain_futures.count(arg.obj())) {
      fut = arg;
    }
    if (fut.is_none()) {
      if (arg.is(ObjKind::Coroutine)) fut = Value(create_task(arg, Value()));
      else if (arg.is(ObjKind::Future) || arg.is(ObjKind::Task)) fut = arg;
      else if (arg.is(ObjKind::Anext)) fut = Value(create_task(call0(prelude_function("_wrap_awaitable"), {arg}), Value()));
      else raise(builtins_->TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
      if (fut.is(ObjKind::Task)) fut.as<TaskObj>()->gather_mark = mark;
      else plain_futures.insert(fut.obj());
      ++st->nfuts;
      future_add_done_callback(fut.as<FutureObj>(), gather_done, Value(st));
    }
    children[i] = std::move(fut);
  }
  outer->children = std::move(children);
  return Value(outer);
}

// Task.__wakeup is the C Task's task_wakeup, a builtin method (no source).
std::span<const CallbackName> tasks_callback_names() {
  static const CallbackName kNames[] = {
      {task_wakeup, "Task.task_wakeup", false},
      {gather_done, "gather.<locals>._done_callback", true},
  };
  return kNames;
}

}  // namespace corun
