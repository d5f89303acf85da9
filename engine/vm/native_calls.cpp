// Library methods written in C++ (engine/asyncio/native.h), called and
// awaited from scenario code without the frame a call of a Python function
// makes.
//
// A port's CodeObject is two instructions (Op::Native, Op::Return) over its
// slots: the parameters, the port's `nlocals` locals, a result. Called the
// general way, each call makes a Frame for them -- for an async method
// inside a new CoroObj --, binds the arguments, runs the two instructions
// and tears it all down, even when, as nearly always, the port is done at
// once: a queue with an item or with room, a free lock, a set event, any
// plain method. Here those slots live on the C++ stack instead:
//
//   * obj.method(a, b) or f(a, b) of a plain port, the arguments binding
//     positionally (call_positional's case): `call` runs on the slots.
//   * `await obj.method(a, b)` of an async port, the same kind of call: its
//     step runs on the slots from Start. If it returns, that is the await's
//     value, and no coroutine ever existed. If it must wait (on a pending
//     future, or on a coroutine it runs inline), the coroutine is made
//     then: the slots move into its frame, which is linked under the
//     awaiting frame exactly as `await` links a coroutine it runs inline,
//     and it goes on as run_native does (native_steps).
//
// Invariants: what a run shows stays what the general path shows
// (scenarios/asyncio/native/ pins each point against CPython):
//   * which code runs: only a method the instance's class resolves to
//     (instance_method_at: an instance attribute of that name, or a
//     subclass's override, is not) whose code IS a port;
//   * argument errors: a call that is not a plain positional match goes
//     the general way, to bind_args' TypeErrors, before anything exists;
//   * "never awaited": only the `await CALL` form is frameless; a call
//     that is not awaited where it is made makes its coroutine as before;
//   * the guards: the busy units the port's two instructions charged are
//     charged, before and after it runs; a plain port counts as a sync
//     call (sync_depth_, and RecursionError where it was raised); an await
//     chain at --max-depth takes the general path, which refuses it;
//   * exceptions leave from the calling or awaiting instruction, as they
//     did once unwound out of the port's frame, whose traceback entry is
//     internal and never printed (so none is made here); unwinding a
//     Python exception costs the busy units it cost;
//   * cancellation is thrown into a task only where it suspends, and a
//     frameless await never suspends; trace events come from suspensions
//     and tasks, and a suspension sees the same chain of frames.
#include <new>

#include "engine/asyncio/native.h"
#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// A port's slots on the C++ stack (on the heap past kMax, which no port
// needs), unbound to start with, as a new frame's are.
struct NativeSlots {
  static constexpr int kMax = 16;  // the biggest port, Barrier.wait, has 15
  alignas(Value) unsigned char bytes[kMax * sizeof(Value)];
  const int n;
  Value* const v;
  explicit NativeSlots(int count)
      : n(count), v(count <= kMax ? reinterpret_cast<Value*>(bytes) : static_cast<Value*>(::operator new(sizeof(Value) * size_t(count)))) {
    for (int i = 0; i < n; ++i) new (&v[i]) Value(Value::unbound());
  }
  ~NativeSlots() {
    for (int i = 0; i < n; ++i) v[i].~Value();
    if (n > kMax) ::operator delete(v);
  }
  NativeSlots(const NativeSlots&) = delete;
  NativeSlots& operator=(const NativeSlots&) = delete;
};

// The sync call a plain port's frame was, for as long as it runs.
struct SyncCall {
  int& depth;
  explicit SyncCall(int& d) : depth(d) { ++depth; }
  ~SyncCall() { --depth; }
};

}  // namespace

// A plain port called with arguments that bind positionally (call_positional).
Value Interp::call_native_positional(const FunctionObj* fn, const Value& self, const Expr& call, Frame& caller) {
  const CodeObject* code = fn->code;
  NativeSlots s(code->nslots());
  bind_positional(s.v, fn, self, call, caller);
  if (sync_depth_ >= kMaxSyncDepth) raise(builtins_->RecursionError, "maximum recursion depth exceeded");
  SyncCall depth(sync_depth_);
  charge(1);  // the frame's Op::Native
  Value r;
  try {
    r = code->native->call(*this, s.v);
  } catch (PyException&) {
    g_budget.busy += kExceptionCost + uint64_t(sync_depth_);  // what it cost to leave the port's frame
    throw;
  }
  charge(1);  // its Op::Return
  return r;
}

// Op::Await of `obj.method(args)`: the object is evaluated, then, when the
// method is an async port that binds the arguments positionally, it runs
// here (await_native: Continue, or Suspend with `carry` naming the future);
// else the call is made the general way and `aw` is what it returned, for
// await_step to await (Evaluated).
Interp::AwaitedCall Interp::await_method_call(Frame*& f, const Instr& ins, Value& carry, Value& aw) {
  const Expr& call = *ins.e;
  const Expr& callee = *call.kids[0];
  Value obj = eval(*callee.kids[0], *f);
  if (positional_args(call)) {
    const FunctionObj* fn = instance_method_at(obj, callee);
    if (fn && positional_fits(fn, obj, call.kids.size() - 1)) {
      if (fn->code->native && fn->code->native->step && f->depth < uint32_t(options_.max_depth))
        return await_native(f, ins, fn, obj, carry);
      // A method in Python: call_evaluated's positional case, the method already found.
      aw = call_positional(fn, obj, call, *f);
      if (aw.is(ObjKind::Coroutine)) note_creation_site(*aw.as<CoroObj>(), call, *f);
      return AwaitedCall::Evaluated;
    }
  }
  aw = call_evaluated(call, obj, *f);
  return AwaitedCall::Evaluated;
}

Interp::AwaitedCall Interp::await_native(Frame*& f, const Instr& ins, const FunctionObj* fn, const Value& self,
                                          Value& carry) {
  const CodeObject* code = fn->code;
  const NativeDef* nd = code->native;
  NativeSlots s(code->nslots());
  bind_positional(s.v, fn, self, *ins.e, *f);
  charge(1);  // the coroutine's Op::Native
  NativeStep r = nd->step(*this, s.v, Resume::Start, Value());
  // Awaiting a future already done does not suspend (Future.__await__):
  // the step goes on with its outcome. (A Raise is raised in the caller's
  // frame, as a throw from the step would be.)
  while (r.kind == NativeStep::Kind::Await && !r.value.is(ObjKind::Coroutine) && r.value.as<FutureObj>()->done()) {
    Value v;
    Resume how = future_outcome(r.value.as<FutureObj>(), v) ? Resume::Throw : Resume::Send;
    r = nd->step(*this, s.v, how, std::move(v));
  }
  if (r.kind == NativeStep::Kind::Raise) raise_value(std::move(r.value));
  if (r.kind == NativeStep::Kind::Return) {
    charge(1);  // its Op::Return
    if (ins.target) assign(*ins.target, std::move(r.value), *f);
    ++f->pc;
    return AwaitedCall::Continue;
  }
  // It must wait: from here on it is the coroutine the call would have
  // made, awaited inline by `f` (await_step's coroutine case).
  Ref<CoroObj> c = CoroObj::make(code);
  for (int i = 0; i < s.n; ++i) c->frame.slots[i] = std::move(s.v[i]);
  c->created_line = ins.e->pos.line;
  note_creation_site(*c, *ins.e, *f);
  c->awaited = true;
  c->state = CoroObj::State::Running;
  c->frame.parent = f;
  c->frame.depth = f->depth + 1;
  f->suspended = true;
  f->awaiting = Ref<Object>(c.get());
  f = &c->frame;
  switch (native_steps(f, code->code[0], std::move(r), carry, false)) {
    case NativeExit::Next: return AwaitedCall::Continue;
    case NativeExit::Suspend: return AwaitedCall::Suspend;
    case NativeExit::Raise: break;
  }
  raise_value(std::move(carry));
}

}  // namespace corun
