// Lib/asyncio/timeouts.py (3.11.7), ported line by line: Timeout's states,
// its one TimerHandle (cancelled and replaced by reschedule()), the
// cancel() of the task when it fires, and __aexit__'s uncancel()
// bookkeeping that turns that cancellation -- and only that one -- into
// TimeoutError. Each function names the CPython code it stands for.
//
// Invariants (as CPython's):
//   * `_timeout_handler` is the live handle or None: reschedule() cancels
//     the old one before it makes a new one, _on_timeout() and __aexit__
//     drop it;
//   * `_cancelling` is the task's cancelling() count when the block was
//     entered: __aexit__ raises TimeoutError only when, after its own
//     uncancel(), no cancel() newer than the block is left.
// The _State enum is kept as its members' values ("created", "active",
// "expiring", "expired", "finished") in the `_state` field, which is what
// its repr and error messages print. The fields are the prelude's, in
// this order: _state, _timeout_handler, _task, _when, _cancelling.
#include "engine/asyncio/timeouts.h"

#include "engine/asyncio/loop_methods.h"
#include "engine/asyncio/native_self.h"
#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// ---- _State --------------------------------------------------------------------------------

// OTHER: what a scenario assigned to the private field, which is none of
// them (CPython's `is` comparisons all fail for it too).
enum class State : uint8_t { CREATED, ENTERED, EXPIRING, EXPIRED, EXITED, OTHER };

constexpr std::string_view kStateValue[] = {"created", "active", "expiring", "expired", "finished"};

constexpr size_t kState = 0, kHandler = 1, kTask = 2, kWhen = 3, kCancelling = 4;

State state_of(Interp& in, const Value& self) {
  const Value& v = self_field(in, self, kState, "_state");
  if (v.is(ObjKind::Str)) {
    // The five values differ in their first letter, but for the two "expir"s.
    const std::string& s = str_of(v);
    State st = s.empty() ? State::CREATED
               : s[0] == 'c' ? State::CREATED
               : s[0] == 'a' ? State::ENTERED
               : s[0] == 'f' ? State::EXITED
               : s.size() == 8 ? State::EXPIRING : State::EXPIRED;
    if (s == kStateValue[size_t(st)]) return st;
  }
  return State::OTHER;
}

void set_state(Interp& in, const Value& self, State st) {
  Value& v = self_field(in, self, kState, "_state");
  std::string_view value = kStateValue[size_t(st)];
  // A str only this field holds cannot be seen to change: reuse it.
  if (v.is(ObjKind::Str) && v.obj()->refs == 1) as_str(v)->s.assign(value);
  else v = make_str(std::string(value));
}

// Handle.cancel() / TimerHandle.cancel(), for a handle object (attrs.cpp's
// handle_method does the same for a scenario's h.cancel()).
void cancel_handle(Interp& in, const Value& h) {
  if (!h.is(ObjKind::Handle)) {
    call_method0(in, h, "cancel");
    return;
  }
  HandleObj* handle = h.as<HandleObj>();
  if (handle->cancelled) return;
  handle->cancelled = true;
  if (handle->scheduled) in.loop().timer_cancelled();
}

// ---- Timeout -------------------------------------------------------------------------------

// Timeout.__init__(when)
Value timeout_init(Interp& in, Value* s) {
  const Value& self = s[0];
  set_state(in, self, State::CREATED);
  self_field(in, self, kHandler, "_timeout_handler") = Value();
  self_field(in, self, kTask, "_task") = Value();
  self_field(in, self, kWhen, "_when") = s[1];
  return Value();
}

// Timeout.when()
Value timeout_when(Interp& in, Value* s) { return self_field(in, s[0], kWhen, "_when"); }

// Timeout.expired()
Value timeout_expired(Interp& in, Value* s) {
  State st = state_of(in, s[0]);
  return Value::boolean(st == State::EXPIRING || st == State::EXPIRED);
}

// Timeout._on_timeout()
Value timeout_on_timeout(Interp& in, Value* s) {
  const Value& self = s[0];
  if (state_of(in, self) != State::ENTERED) in.raise_value(in.make_exception_args(in.builtins().AssertionError, {}));
  Value task = self_field(in, self, kTask, "_task");
  if (task.is(ObjKind::Task)) in.task_cancel(task.as<TaskObj>(), Value());
  else call_method0(in, task, "cancel");
  set_state(in, self, State::EXPIRING);
  // drop the reference early
  self_field(in, self, kHandler, "_timeout_handler") = Value();
  return Value();
}

// The handle's callback, self._on_timeout: the port itself, reported as
// Handle._run reports a callback that raised (only a scenario calling the
// private _on_timeout() by hand, so that the timer finds the state moved
// on, can make it raise).
void timeout_handler_fired(Interp& in, const Value& self, const Value&) {
  Value slots[1] = {self};
  try {
    timeout_on_timeout(in, slots);
  } catch (PyException& e) {
    // The report shows the handle as CPython's: self._on_timeout, and the
    // TimerHandle's deadline when it was one.
    Ref<HandleObj> shown(new HandleObj(run_callable_handle, in.get_attr(self, "_on_timeout"), make_tuple({})));
    if (const Value& fired = in.loops().handle; fired.is(ObjKind::Handle)) {
      shown->is_timer = fired.as<HandleObj>()->is_timer;
      shown->when = fired.as<HandleObj>()->when;
    }
    in.report_callback_exception(e.exc, Value(shown));
  }
}

// Timeout.reschedule(when)
void reschedule(Interp& in, const Value& self, const Value& when) {
  State st = state_of(in, self);
  if (st != State::ENTERED) {
    if (st == State::CREATED) in.raise(in.builtins().RuntimeError, "Timeout has not been entered");
    in.raise(in.builtins().RuntimeError, "Cannot change state of " + in.str(self_field(in, self, kState, "_state")) + " Timeout");
  }
  self_field(in, self, kWhen, "_when") = when;
  Value handler = self_field(in, self, kHandler, "_timeout_handler");
  if (!handler.is_none()) cancel_handle(in, handler);
  if (when.is_none()) {
    self_field(in, self, kHandler, "_timeout_handler") = Value();
    return;
  }
  in.running_loop_object();  // loop = events.get_running_loop()
  Value now = Value::flt(in.loop().time());
  bool due = when.is_float() ? when.as_float() <= now.as_float() : in.compare(CmpOp::Le, when, now);
  // self._on_timeout, as a subclass may have it; the port needs no bound method.
  bool port = method_is_port(self, "_on_timeout", timeout_on_timeout);
  Value fn = port ? Value() : in.get_attr(self, "_on_timeout");
  Ref<HandleObj> h;
  if (due) {
    // loop.call_soon(self._on_timeout)
    h = port ? Ref<HandleObj>(new HandleObj(timeout_handler_fired, self, Value()))
             : Ref<HandleObj>(new HandleObj(run_callable_handle, fn, make_tuple({})));
    in.loop().note_scheduler(h.get());
    in.loop().call_handle_soon(h);
  } else {
    // loop.call_at(when, self._on_timeout)
    int64_t deadline = timer_deadline(in, when);
    h = port ? in.loop().call_at(deadline, timeout_handler_fired, self)
             : in.loop().call_at(deadline, run_callable_handle, fn, make_tuple({}));
  }
  if (port) h->what = "Timeout._on_timeout()";
  self_field(in, self, kHandler, "_timeout_handler") = Value(h);
}

Value timeout_reschedule(Interp& in, Value* s) {
  reschedule(in, s[0], s[1]);
  return Value();
}

// async Timeout.__aenter__(): it never awaits.
NativeStep timeout_aenter(Interp& in, Value* s, Resume, Value) {
  const Value& self = s[0];
  if (state_of(in, self) != State::CREATED) in.raise(in.builtins().RuntimeError, "Timeout has already been entered");
  TaskObj* task = in.current_task();  // tasks.current_task()
  if (!task) in.raise(in.builtins().RuntimeError, "Timeout should be used inside a task");
  set_state(in, self, State::ENTERED);
  self_field(in, self, kTask, "_task") = Value(task);
  self_field(in, self, kCancelling, "_cancelling") = Value::integer(task->num_cancels_requested);
  Value when = self_field(in, self, kWhen, "_when");
  if (method_is_port(self, "reschedule", timeout_reschedule)) reschedule(in, self, when);
  else in.call0(in.get_attr(self, "reschedule"), {when});
  return NativeStep::ret(self);
}

// async Timeout.__aexit__(exc_type, exc_val, exc_tb): it never awaits.
NativeStep timeout_aexit(Interp& in, Value* s, Resume, Value) {
  const Value& self = s[0];
  const Value& exc_type = s[1];
  const Value& exc_val = s[2];
  State st = state_of(in, self);
  if (st != State::ENTERED && st != State::EXPIRING)
    in.raise_value(in.make_exception_args(in.builtins().AssertionError, {}));
  Value handler = self_field(in, self, kHandler, "_timeout_handler");
  if (!handler.is_none()) {
    cancel_handle(in, handler);
    self_field(in, self, kHandler, "_timeout_handler") = Value();
  }
  if (st == State::EXPIRING) {
    set_state(in, self, State::EXPIRED);
    Value task = self_field(in, self, kTask, "_task");
    Value left;  // self._task.uncancel()
    if (task.is(ObjKind::Task)) {
      TaskObj* t = task.as<TaskObj>();
      if (t->num_cancels_requested > 0) --t->num_cancels_requested;
      left = Value::integer(t->num_cancels_requested);
    } else {
      left = call_method0(in, task, "uncancel");
    }
    if (in.compare(CmpOp::Le, left, self_field(in, self, kCancelling, "_cancelling")) && exc_type.is(ObjKind::Type) &&
        exc_type.as<TypeObj>() == in.builtins().CancelledError) {
      // Since there are no new cancel requests, we're handling this.
      // raise TimeoutError from exc_val
      if (!exc_val.is_none() && !exc_val.is(ObjKind::Exception))
        in.raise(in.builtins().TypeError, "exception causes must derive from BaseException");
      Value err = in.make_exception_args(in.builtins().TimeoutError, {});
      err.as<ExcObj>()->cause = exc_val;
      err.as<ExcObj>()->suppress_context = true;
      in.raise_value(std::move(err));
    }
  } else if (st == State::ENTERED) {
    set_state(in, self, State::EXITED);
  }
  return NativeStep::ret(Value());
}

// ---- timeout(), timeout_at() -------------------------------------------------------------

// Timeout(when). The class cannot be subclassed (@final, and a scenario's
// class cannot derive from the prelude's), so unless its __init__ was
// replaced the instance is made here as the call would make it: the
// declared fields, then what __init__ sets.
Value make_timeout(Interp& in, Value when) {
  Value cls = in.prelude_function("Timeout");
  TypeObj* t = cls.as<TypeObj>();
  const Value* init = t->find_attr("__init__");
  bool port = init && init->is(ObjKind::Function) && init->as<FunctionObj>()->code->native &&
              init->as<FunctionObj>()->code->native->call == timeout_init;
  if (!port || t->base != in.builtins().object) return in.call0(cls, {std::move(when)});
  Ref<InstanceObj> inst(new InstanceObj(t));
  inst->fields.reserve(t->field_exprs.size());
  for (auto& [name, expr] : t->field_exprs) inst->fields.emplace_back(&name, Value());
  Value self(inst);
  Value slots[2] = {self, std::move(when)};
  timeout_init(in, slots);
  return self;
}

// timeout(delay)
Value timeout(Interp& in, Value* s) {
  const Value& delay = s[0];
  in.running_loop_object();  // loop = events.get_running_loop()
  if (delay.is_none()) return make_timeout(in, Value());
  Value now = Value::flt(in.loop().time());
  // loop.time() + delay
  Value when = delay.is_float()     ? Value::flt(now.as_float() + delay.as_float())
               : delay.is_intlike() ? Value::flt(now.as_float() + double(delay.as_int()))
                                    : in.binary_op(BinOp::Add, now, delay);
  return make_timeout(in, std::move(when));
}

// timeout_at(when)
Value timeout_at(Interp& in, Value* s) { return make_timeout(in, s[0]); }

const NativeDef kTimeouts[] = {
    {"Timeout.__init__", timeout_init, nullptr, 0},
    {"Timeout.when", timeout_when, nullptr, 0},
    {"Timeout.reschedule", timeout_reschedule, nullptr, 0},
    {"Timeout.expired", timeout_expired, nullptr, 0},
    {"Timeout.__aenter__", nullptr, timeout_aenter, 0},
    {"Timeout.__aexit__", nullptr, timeout_aexit, 0},
    {"Timeout._on_timeout", timeout_on_timeout, nullptr, 0},
    {"timeout", timeout, nullptr, 0},
    {"timeout_at", timeout_at, nullptr, 0},
};

}  // namespace

std::span<const NativeDef> timeouts_natives() { return kTimeouts; }

}  // namespace corun
