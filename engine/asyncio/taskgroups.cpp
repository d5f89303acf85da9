// Lib/asyncio/taskgroups.py (3.11.7), ported line by line: the set of
// children, each with _on_task_done as its done-callback; the first
// child's error aborting the group (cancel every child) and cancelling the
// parent task once, which __aexit__ takes back with uncancel(); __aexit__'s
// loop awaiting _on_completed_fut until the last child is done, however
// often the parent is cancelled meanwhile; then the errors as one
// BaseExceptionGroup('unhandled errors in a TaskGroup', errors).
// Each function names the CPython code it stands for.
//
// Invariants (as CPython's):
//   * `_tasks` holds exactly the children not yet done (a child leaves it
//     in its done-callback, before anything else happens there);
//   * `_on_completed_fut` is None except while __aexit__ waits on it, and
//     _on_task_done completes it when `_tasks` empties;
//   * `_parent_cancel_requested` is set once, when this group cancelled the
//     parent; __aexit__ then owes the parent exactly one uncancel().
// The fields are the prelude's, in this order: _entered, _exiting,
// _aborting, _loop, _parent_task, _parent_cancel_requested, _tasks,
// _errors, _base_error, _on_completed_fut. A subclass that overrides
// _abort, _is_base_error or _on_task_done has its method called, as
// CPython's self._abort() would.
#include "engine/asyncio/taskgroups.h"
#include "engine/asyncio/futures.h"

#include "engine/asyncio/loop_methods.h"
#include "engine/asyncio/native_self.h"
#include "engine/python/sets.h"
#include "engine/vm/trace_labels.h"

namespace corun {

namespace {

constexpr size_t kEntered = 0, kExiting = 1, kAborting = 2, kLoop = 3, kParentTask = 4, kParentCancelRequested = 5,
                 kTasks = 6, kErrors = 7, kBaseError = 8, kOnCompletedFut = 9;

// Truth of a field; the flags are bools and _tasks a set unless a scenario
// put something else there.
bool truth(Interp& in, const Value& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is(ObjKind::Set)) return v.as<SetObj>()->size() != 0;
  return in.truthy(v);
}

bool flag(Interp& in, const Value& self, size_t index, std::string_view name) {
  return truth(in, self_field(in, self, index, name));
}

bool is_future(const Value& v) { return v.is(ObjKind::Future) || v.is(ObjKind::Task); }

bool is_cancelled_error(Interp& in, const Value& exc) {
  return exc.is(ObjKind::Exception) && exc.as<ExcObj>()->type->is_subclass_of(in.builtins().CancelledError);
}

bool is_type(const Value& v, TypeObj* t) { return v.is(ObjKind::Type) && v.as<TypeObj>() == t; }

// `raise v` for a value a scenario may have put there.
[[noreturn]] void raise_exception_value(Interp& in, const Value& v) {
  if (!v.is(ObjKind::Exception)) in.raise(in.builtins().TypeError, "exceptions must derive from BaseException");
  in.raise_value(v);
}

std::string repr_of(Interp& in, const Value& self) { return in.repr(self); }

// ---- the methods a subclass may override ---------------------------------------------------

// TaskGroup._is_base_error(exc)
Value tg_is_base_error(Interp& in, Value* s) {
  const Value& exc = s[1];
  if (!exc.is(ObjKind::Exception)) in.raise_value(in.make_exception_args(in.builtins().AssertionError, {}));
  return Value::boolean(is_exit_exception(in, exc));
}

bool is_base_error(Interp& in, const Value& self, const Value& exc) {
  if (method_is_port(self, "_is_base_error", tg_is_base_error)) {
    Value slots[2] = {self, exc};
    return tg_is_base_error(in, slots).as_bool();
  }
  return in.truthy(call_method0(in, self, "_is_base_error", {exc}));
}

// TaskGroup._abort()
Value tg_abort(Interp& in, Value* s) {
  const Value& self = s[0];
  self_field(in, self, kAborting, "_aborting") = Value::boolean(true);
  Value tasks = self_field(in, self, kTasks, "_tasks");
  // t.cancel() only schedules callbacks: the set cannot change meanwhile
  // (a copy keeps that true whatever a subclass's task does).
  std::vector<Value> children = tasks.is(ObjKind::Set) ? pyset::items(tasks.as<SetObj>()) : in.to_vector(tasks);
  for (const Value& t : children) {
    if (is_future(t)) {
      if (!t.as<FutureObj>()->done()) in.future_cancel_any(t.as<FutureObj>(), Value());
    } else if (!in.truthy(call_method0(in, t, "done"))) {
      call_method0(in, t, "cancel");
    }
  }
  return Value();
}

void abort(Interp& in, const Value& self) {
  if (method_is_port(self, "_abort", tg_abort)) {
    Value slots[1] = {self};
    tg_abort(in, slots);
  } else {
    call_method0(in, self, "_abort");
  }
}

// parent.cancel() / parent.uncancel() / parent.done(), for the task (or
// whatever a scenario put in _parent_task).
void cancel_task(Interp& in, const Value& t) {
  if (is_future(t)) in.future_cancel_any(t.as<FutureObj>(), Value());
  else call_method0(in, t, "cancel");
}

Value uncancel_task(Interp& in, const Value& t) {
  if (t.is(ObjKind::Task)) {
    TaskObj* task = t.as<TaskObj>();
    if (task->num_cancels_requested > 0) --task->num_cancels_requested;
    return Value::integer(task->num_cancels_requested);
  }
  return call_method0(in, t, "uncancel");
}

bool done(Interp& in, const Value& f) {
  if (is_future(f)) return f.as<FutureObj>()->done();
  return in.truthy(call_method0(in, f, "done"));
}

// self._errors.append(exc)
void append_error(Interp& in, const Value& self, const Value& exc) {
  Value errors = self_field(in, self, kErrors, "_errors");
  if (errors.is(ObjKind::List)) errors.as<ListObj>()->items.push_back(exc);
  else call_method0(in, errors, "append", {exc});
}

// TaskGroup._on_task_done(task)
Value tg_on_task_done(Interp& in, Value* s) {
  const Value& self = s[0];
  const Value& task = s[1];
  Value tasks = self_field(in, self, kTasks, "_tasks");
  if (tasks.is(ObjKind::Set)) pyset::discard(in, tasks.as<SetObj>(), task);
  else call_method0(in, tasks, "discard", {task});

  Value completed = self_field(in, self, kOnCompletedFut, "_on_completed_fut");
  if (!completed.is_none() && !truth(in, tasks)) {
    if (!done(in, completed)) {
      if (completed.is(ObjKind::Future)) in.future_set_result(completed.as<FutureObj>(), Value::boolean(true));
      else call_method0(in, completed, "set_result", {Value::boolean(true)});
    }
  }

  Value exc;
  if (is_future(task)) {
    if (task.as<FutureObj>()->state == FutureObj::State::Cancelled) return Value();
    exc = in.future_exception(task.as<FutureObj>());
  } else {
    if (in.truthy(call_method0(in, task, "cancelled"))) return Value();
    exc = call_method0(in, task, "exception");
  }
  if (exc.is_none()) return Value();

  append_error(in, self, exc);
  if (is_base_error(in, self, exc) && self_field(in, self, kBaseError, "_base_error").is_none())
    self_field(in, self, kBaseError, "_base_error") = exc;

  Value parent = self_field(in, self, kParentTask, "_parent_task");
  if (done(in, parent)) {
    // Not sure if this case is possible, but we want to handle
    // it anyways.
    Ref<DictObj> ctx(new DictObj());
    ctx->set(make_str("message"), make_str("Task " + in.repr(task) + " has errored out but its parent task " +
                                           in.str(parent) + " is already completed"));
    ctx->set(make_str("exception"), exc);
    ctx->set(make_str("task"), task);
    Value loop = self_field(in, self, kLoop, "_loop");
    if (loop.is(ObjKind::Loop)) in.call_exception_handler(loop, Value(ctx));
    else call_method0(in, loop, "call_exception_handler", {Value(ctx)});
    return Value();
  }

  if (!flag(in, self, kAborting, "_aborting") && !flag(in, self, kParentCancelRequested, "_parent_cancel_requested")) {
    // If parent task *is not* being cancelled, it means that we want
    // to manually cancel it to abort whatever is being run right now
    // in the TaskGroup.  But we want to mark parent task as
    // "not cancelled" later in __aexit__.
    // the trace's cancel events say why (their canceller is the failed child)
    struct ClearReason {
      Interp& in;
      ~ClearReason() { in.trace_reason.clear(); }
    } clear_reason{in};
    if (in.tracer())
      in.trace_reason = "TaskGroup abort: " + (task.is(ObjKind::Task) ? task.as<TaskObj>()->name() : trace_repr(in, task)) +
                        " raised " + trace_repr(in, exc);
    abort(in, self);
    self_field(in, self, kParentCancelRequested, "_parent_cancel_requested") = Value::boolean(true);
    cancel_task(in, parent);
  }
  return Value();
}

// The child's done-callback, self._on_task_done: the port, reported as
// Handle._run reports a callback that raised (a subclass's field holding
// something odd is what could make it raise).
void task_done_callback(Interp& in, const Value& self, const Value& task) {
  Value slots[2] = {self, task};
  try {
    tg_on_task_done(in, slots);
  } catch (PyException& e) {
    Value bound = in.get_attr(self, "_on_task_done");
    in.report_callback_exception(e.exc, Value(new HandleObj(run_callable_handle, bound, make_tuple({task}))));
  }
}

// ---- TaskGroup -----------------------------------------------------------------------------

// TaskGroup.__init__()
Value tg_init(Interp& in, Value* s) {
  const Value& self = s[0];
  self_field(in, self, kEntered, "_entered") = Value::boolean(false);
  self_field(in, self, kExiting, "_exiting") = Value::boolean(false);
  self_field(in, self, kAborting, "_aborting") = Value::boolean(false);
  self_field(in, self, kLoop, "_loop") = Value();
  self_field(in, self, kParentTask, "_parent_task") = Value();
  self_field(in, self, kParentCancelRequested, "_parent_cancel_requested") = Value::boolean(false);
  self_field(in, self, kTasks, "_tasks") = Value(new SetObj());
  self_field(in, self, kErrors, "_errors") = make_list();
  self_field(in, self, kBaseError, "_base_error") = Value();
  self_field(in, self, kOnCompletedFut, "_on_completed_fut") = Value();
  return Value();
}

// async TaskGroup.__aenter__(): it never awaits.
NativeStep tg_aenter(Interp& in, Value* s, Resume, Value) {
  const Value& self = s[0];
  if (flag(in, self, kEntered, "_entered"))
    in.raise(in.builtins().RuntimeError, "TaskGroup " + repr_of(in, self) + " has already been entered");
  if (self_field(in, self, kLoop, "_loop").is_none()) self_field(in, self, kLoop, "_loop") = in.running_loop_object();
  TaskObj* parent = in.current_task();  // tasks.current_task(self._loop)
  self_field(in, self, kParentTask, "_parent_task") = parent ? Value(parent) : Value();
  if (!parent) in.raise(in.builtins().RuntimeError, "TaskGroup " + repr_of(in, self) + " cannot determine the parent task");
  self_field(in, self, kEntered, "_entered") = Value::boolean(true);
  return NativeStep::ret(self);
}

// async TaskGroup.__aexit__(et, exc, tb). Locals: s[4] the label, s[5]
// propagate_cancellation_error.
NativeStep tg_aexit(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  const Value& et = s[1];
  const Value& exc = s[2];
  Value& propagate_cancellation_error = s[5];
  if (label_of(s, 4) == 0) {
    self_field(in, self, kExiting, "_exiting") = Value::boolean(true);

    if (!exc.is_none() && is_base_error(in, self, exc) && self_field(in, self, kBaseError, "_base_error").is_none())
      self_field(in, self, kBaseError, "_base_error") = exc;

    propagate_cancellation_error = is_type(et, in.builtins().CancelledError) ? exc : Value();
    if (flag(in, self, kParentCancelRequested, "_parent_cancel_requested")) {
      // If this flag is set we *must* call uncancel().
      Value left = uncancel_task(in, self_field(in, self, kParentTask, "_parent_task"));
      if (left.is_intlike() ? left.as_int() == 0 : in.compare(CmpOp::Eq, left, Value::integer(0))) {
        // If there are no pending cancellations left,
        // don't propagate CancelledError.
        propagate_cancellation_error = Value();
      }
    }

    if (!et.is_none()) {
      if (!flag(in, self, kAborting, "_aborting")) {
        // Our parent task is being cancelled, or there's an exception
        // in "async with".
        abort(in, self);
      }
    }
  } else {
    // try: await self._on_completed_fut
    if (how == Resume::Throw) {
      if (!is_cancelled_error(in, v)) in.raise_value(std::move(v));
      // except exceptions.CancelledError as ex:
      if (!flag(in, self, kAborting, "_aborting")) {
        // Our parent task is being cancelled while a child is still
        // running.
        propagate_cancellation_error = std::move(v);
        abort(in, self);
      }
    }
    self_field(in, self, kOnCompletedFut, "_on_completed_fut") = Value();
  }

  // We use while-loop here because "self._on_completed_fut"
  // can be cancelled multiple times if our parent task
  // is being cancelled repeatedly (or even once, when
  // our own cancellation is already in progress)
  if (truth(in, self_field(in, self, kTasks, "_tasks"))) {
    Value& completed = self_field(in, self, kOnCompletedFut, "_on_completed_fut");
    if (completed.is_none()) {
      Value loop = self_field(in, self, kLoop, "_loop");
      Value fut = loop.is(ObjKind::Loop) ? Value(in.create_future()) : call_method0(in, loop, "create_future");
      self_field(in, self, kOnCompletedFut, "_on_completed_fut") = fut;
    }
    Value fut = self_field(in, self, kOnCompletedFut, "_on_completed_fut");
    if (!is_future(fut))
      in.raise(in.builtins().TypeError, "object " + in.type_of(fut)->name + " can't be used in 'await' expression");
    s[4] = Value::integer(1);
    return NativeStep::await(std::move(fut));
  }

  if (Value base = self_field(in, self, kBaseError, "_base_error"); !base.is_none()) raise_exception_value(in, base);

  // Propagate CancelledError if there is one, except if there
  // are other errors -- those have priority.
  if (in.truthy(propagate_cancellation_error) && !in.truthy(self_field(in, self, kErrors, "_errors")))
    raise_exception_value(in, propagate_cancellation_error);

  if (!et.is_none() && !is_type(et, in.builtins().CancelledError)) append_error(in, self, exc);

  if (Value errors = self_field(in, self, kErrors, "_errors"); in.truthy(errors)) {
    // Exceptions are heavy objects that can have object
    // cycles (bad for GC); let's not keep a reference to
    // a bunch of them.
    // try: me = BaseExceptionGroup(...); raise me from None / finally: self._errors = None
    Value me;
    try {
      me = in.call0(Value(in.builtins().BaseExceptionGroup), {make_str("unhandled errors in a TaskGroup"), errors});
    } catch (...) {
      self_field(in, self, kErrors, "_errors") = Value();
      throw;
    }
    self_field(in, self, kErrors, "_errors") = Value();
    me.as<ExcObj>()->cause = Value();
    me.as<ExcObj>()->suppress_context = true;
    in.raise_value(std::move(me));
  }
  return NativeStep::ret(Value());
}

// TaskGroup.create_task(coro, name=None)
Value tg_create_task(Interp& in, Value* s) {
  const Value& self = s[0];
  const Value& coro = s[1];
  const Value& name = s[2];
  if (!flag(in, self, kEntered, "_entered"))
    in.raise(in.builtins().RuntimeError, "TaskGroup " + repr_of(in, self) + " has not been entered");
  Value tasks = self_field(in, self, kTasks, "_tasks");
  if (flag(in, self, kExiting, "_exiting") && !truth(in, tasks))
    in.raise(in.builtins().RuntimeError, "TaskGroup " + repr_of(in, self) + " is finished");
  if (flag(in, self, kAborting, "_aborting"))
    in.raise(in.builtins().RuntimeError, "TaskGroup " + repr_of(in, self) + " is shutting down");
  Value loop = self_field(in, self, kLoop, "_loop");
  Value task = loop.is(ObjKind::Loop) ? Value(in.create_task(coro, Value())) : call_method0(in, loop, "create_task", {coro});
  // tasks._set_task_name(task, name)
  if (!name.is_none()) {
    if (task.is(ObjKind::Task)) task.as<TaskObj>()->set_name(in.str(name));
    else call_method0(in, task, "set_name", {name});
  }
  // task.add_done_callback(self._on_task_done)
  if (is_future(task) && method_is_port(self, "_on_task_done", tg_on_task_done))
    in.future_add_done_callback(task.as<FutureObj>(), task_done_callback, self);
  else
    call_method0(in, task, "add_done_callback", {in.get_attr(self, "_on_task_done")});
  if (tasks.is(ObjKind::Set)) pyset::add(in, tasks.as<SetObj>(), task);
  else call_method0(in, tasks, "add", {task});
  return task;
}

const NativeDef kTaskGroups[] = {
    {"TaskGroup.__init__", tg_init, nullptr, 0},
    {"TaskGroup.__aenter__", nullptr, tg_aenter, 0},
    {"TaskGroup.__aexit__", nullptr, tg_aexit, 2},
    {"TaskGroup.create_task", tg_create_task, nullptr, 0},
    {"TaskGroup._is_base_error", tg_is_base_error, nullptr, 0},
    {"TaskGroup._abort", tg_abort, nullptr, 0},
    {"TaskGroup._on_task_done", tg_on_task_done, nullptr, 0},
};

}  // namespace

std::span<const NativeDef> taskgroups_natives() { return kTaskGroups; }

// self._on_task_done: a bound method, whose source CPython does not name.
std::span<const CallbackName> taskgroups_callback_names() {
  static const CallbackName kNames[] = {{task_done_callback, "TaskGroup._on_task_done", false}};
  return kNames;
}

}  // namespace corun
