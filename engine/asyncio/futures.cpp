// Futures, after Lib/asyncio/futures.py: a done future schedules its
// done-callbacks with call_soon, in the order they were added.
#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

FutureObj::~FutureObj() = default;

// Marks a CallbackList that holds its callbacks in a vector (objects.h).
void callback_list_many(Interp&, const Value&, const Value&) {}

Ref<FutureObj> Interp::create_future() { return Ref<FutureObj>(new FutureObj()); }

namespace {

void schedule_callbacks(Interp& in, FutureObj* f) {
  // A task waiting on f is woken now (its __wakeup runs later): the trace's
  // hand-off, from whoever resolved f.
  const bool traced = in.tracer() != nullptr;
  f->callbacks.drain([&](DoneCallback& cb) {
    if (traced && is_task_wakeup(cb.fn))
      in.trace_wake(static_cast<const TaskObj*>(cb.ctx.get()), cb.ctx.get() == in.trace_cancelling());
    in.loop().call_soon(cb.fn, Value::adopt(cb.ctx.release()), Value(f));
  });
}

}  // namespace

void Interp::future_set_result(FutureObj* f, Value v) {
  if (f->done()) raise(builtins_->InvalidStateError, "invalid state");
  f->result = std::move(v);
  f->state = FutureObj::State::Finished;
  schedule_callbacks(*this, f);
}

void Interp::future_set_exception(FutureObj* f, Value exc) {
  if (f->done()) raise(builtins_->InvalidStateError, "invalid state");
  if (exc.is(ObjKind::Type)) exc = make_exception_args(exc.as<TypeObj>(), {});
  if (exc.is(ObjKind::Exception) && exc.as<ExcObj>()->type == builtins_->StopIteration)
    raise(builtins_->TypeError, "StopIteration interacts badly with generators and cannot be raised into a Future");
  f->exception = std::move(exc);
  f->result = Value();  // a task's pending cancel message
  f->state = FutureObj::State::Finished;
  schedule_callbacks(*this, f);
  f->log_traceback = true;
}

bool Interp::future_cancel(FutureObj* f, Value msg) {
  f->log_traceback = false;
  if (f->state != FutureObj::State::Pending) return false;
  f->state = FutureObj::State::Cancelled;
  f->cancel_message() = std::move(msg);
  schedule_callbacks(*this, f);
  return true;
}

void Interp::future_add_done_callback(FutureObj* f, Callback fn, Value ctx) {
  if (f->done()) loop_->call_soon(fn, std::move(ctx), Value(f));
  else f->callbacks.push_back(DoneCallback{fn, ctx.take_ref()});
}

Value Interp::make_cancelled_error(FutureObj* f) {
  if (!f->cancelled_exc().is_none()) {
    Value exc = std::move(f->cancelled_exc());
    f->cancelled_exc() = Value();
    return exc;
  }
  return cancelled_error(f->cancel_message());
}

Value Interp::cancelled_error(const Value& msg) {
  if (msg.is_none()) return make_exception_args(builtins_->CancelledError, {});
  return make_exception_args(builtins_->CancelledError, {msg});
}

Value Interp::future_result(FutureObj* f) {
  if (f->state == FutureObj::State::Cancelled) raise_value(make_cancelled_error(f));
  if (f->state != FutureObj::State::Finished) raise(builtins_->InvalidStateError, "Result is not set.");
  f->log_traceback = false;
  if (!f->exception.is_none()) raise_value(f->exception);
  return f->result;
}

Value Interp::future_exception(FutureObj* f) {
  if (f->state == FutureObj::State::Cancelled) raise_value(make_cancelled_error(f));
  if (f->state != FutureObj::State::Finished) raise(builtins_->InvalidStateError, "Exception is not set.");
  f->log_traceback = false;
  return f->exception;
}

}  // namespace corun
