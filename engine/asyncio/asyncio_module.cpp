// The `asyncio` module's native functions (sleep, gather, create_task,
// ensure_future, current_task, all_tasks, iscoroutine & co) and its
// constants and exception classes; the prelude's public definitions
// (Queue, Lock, wait_for, TaskGroup ...) join it when a program's
// definitions are instantiated (engine/vm/definitions.cpp). asyncio.sleep
// and the loop's no-op shutdown coroutines are CodeObjects written here.
#include "engine/asyncio/asyncio_module.h"

#include "engine/asyncio/event_loops.h"
#include "engine/python/builtins.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// Native coroutines are CodeObjects too, written here instead of in YAML:
// asyncio.sleep(delay, result=None) is `sleep: delay; return: result`.
struct NativeCodes {
  CodeObject sleep;
  CodeObject noop_asyncgens;
  CodeObject noop_executor;
  NativeCodes() {
    sleep.name = "sleep";
    sleep.params = {"delay", "result"};
    sleep.slot_names = {"delay", "result"};
    auto name_ref = [&](const char* n, int slot) {
      auto e = std::make_unique<Expr>(ExprKind::Name, SourcePos{});
      e->name = n;
      e->scope = Scope::Local;
      e->slot = slot;
      return sleep.own(std::move(e));
    };
    Instr s{Op::Sleep};
    s.e = name_ref("delay", 0);
    Instr r{Op::Return};
    r.e = name_ref("result", 1);
    sleep.code = {s, r};
    for (CodeObject* c : {&noop_asyncgens, &noop_executor}) c->code = {Instr{Op::Return}};
    noop_asyncgens.name = "shutdown_asyncgens";
    noop_executor.name = "shutdown_default_executor";
  }
};

const NativeCodes& native() {
  static NativeCodes codes;
  return codes;
}


Value a_sleep(Interp& in, const Value&, CallArgs& a) {
  arity(in, "sleep", a, 1, 2);
  FunctionObj fn(&native().sleep);
  fn.defaults = {Value::unbound(), Value()};
  return in.make_coroutine(&fn, a, nullptr, Value());
}

}  // namespace

Value sleep_coroutine(Interp& in, Value delay) {
  CallArgs a;
  a.pos = &delay;
  a.npos = 1;
  return a_sleep(in, Value(), a);
}

namespace {

Value a_gather(Interp& in, const Value&, CallArgs& a) {
  const Value* re = a.kwarg("return_exceptions");
  for (size_t i = 0; i < a.nkw; ++i)
    if (a.kwnames[i] != "return_exceptions")
      in.raise(in.builtins().TypeError, "gather() got an unexpected keyword argument '" + a.kwnames[i] + "'");
  return in.gather(std::vector<Value>(a.pos, a.pos + a.npos), re && in.truthy(*re));
}

Value a_create_task(Interp& in, const Value&, CallArgs& a) {
  arity(in, "create_task", a, 1, 1);
  in.running_loop_object();  // RuntimeError: no running event loop
  const Value* name = a.kwarg("name");
  return Value(in.create_task(a.pos[0], name ? *name : Value()));
}

Value a_current_task(Interp& in, const Value&, CallArgs& a) {
  arity(in, "current_task", a, 0, 1);
  if (a.npos == 0 || a.pos[0].is_none()) in.running_loop_object();
  TaskObj* t = in.current_task();
  return t ? Value(t) : Value();
}

Value a_all_tasks(Interp& in, const Value&, CallArgs& a) {
  arity(in, "all_tasks", a, 0, 1);
  if (a.npos == 0 || a.pos[0].is_none()) in.running_loop_object();
  Ref<SetObj> out(new SetObj());  // tasks hash by address: the set keeps creation order
  for (TaskObj* t : in.all_tasks()) pyset::add(in, out.get(), Value(t));
  return Value(out);
}


}  // namespace

// asyncio.ensure_future(x) (tasks.py): a future as it is, a coroutine
// wrapped in a Task, another awaitable in a coroutine first.
Value a_ensure_future(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "ensure_future() takes one argument");
  const Value& x = a.pos[0];
  if (x.is(ObjKind::Future) || x.is(ObjKind::Task)) return x;
  if (x.is(ObjKind::Coroutine) && x.as<CoroObj>()->frame.code->is_coroutine && !x.as<CoroObj>()->frame.code->is_async_gen)
    return Value(in.create_task(x, Value()));
  // Another awaitable (an async generator's asend/athrow/aclose): wrapped in a coroutine, as _wrap_awaitable does.
  if (x.is(ObjKind::Anext)) return Value(in.create_task(in.call0(in.prelude_function("_wrap_awaitable"), {x}), Value()));
  in.raise(in.builtins().TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
}


// asyncio.iscoroutine / iscoroutinefunction / isfuture (coroutines.py,
// base_futures.py): an async generator is not a coroutine, nor is an async
// generator function a coroutine function.
Value a_iscoroutine(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "iscoroutine() takes exactly one argument");
  const Value& x = a.pos[0];
  return Value::boolean(x.is(ObjKind::Coroutine) && !x.as<CoroObj>()->frame.code->is_async_gen);
}

Value a_iscoroutinefunction(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "iscoroutinefunction() takes exactly one argument");
  Value f = a.pos[0];
  if (f.is(ObjKind::BoundMethod)) f = f.as<BoundMethodObj>()->func;
  if (f.is(ObjKind::Function)) {
    const CodeObject* code = f.as<FunctionObj>()->code;
    return Value::boolean(code->is_coroutine && !code->is_async_gen);
  }
  // asyncio.sleep is an `async def` in CPython; corun's is native.
  return Value::boolean(f.is(ObjKind::Builtin) && std::string_view(f.as<BuiltinObj>()->name) == "sleep" &&
                        f.as<BuiltinObj>()->self.is_none());
}

Value a_isfuture(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "isfuture() takes exactly one argument");
  return Value::boolean(a.pos[0].is(ObjKind::Future) || a.pos[0].is(ObjKind::Task));
}

// The Lib/asyncio module a prelude class comes from, as its __module__ and
// repr name it (asyncio.locks.Lock).
std::string prelude_class_module(const std::string& name) {
  for (const char* n : {"Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore", "Barrier"})
    if (name == n) return "asyncio.locks";
  for (const char* n : {"Queue", "PriorityQueue", "LifoQueue"})
    if (name == n) return "asyncio.queues";
  if (name == "Timeout") return "asyncio.timeouts";
  for (const char* n : {"IncompleteReadError", "LimitOverrunError"})
    if (name == n) return "asyncio.exceptions";
  for (const char* n : {"BaseProtocol", "Protocol"})
    if (name == n) return "asyncio.protocols";
  for (const char* n : {"StreamReader", "StreamWriter", "StreamReaderProtocol", "_streams_FlowControlMixin"})
    if (name == n) return "asyncio.streams";
  for (const char* n : {"BaseTransport", "Transport", "_FlowControlMixin"})
    if (name == n) return "asyncio.transports";
  for (const char* n : {"_SelectorTransport", "_SelectorSocketTransport"})
    if (name == n) return "asyncio.selector_events";
  if (name == "Server") return "asyncio.base_events";
  if (name == "_TransportSocket") return "asyncio.trsock";
  if (name == "TaskGroup") return "asyncio.taskgroups";
  return "asyncio";
}

Value make_noop_coroutine(Interp& in, const char* name) {
  const CodeObject* code = std::string(name) == "shutdown_asyncgens" ? &native().noop_asyncgens : &native().noop_executor;
  FunctionObj fn(code);
  CallArgs none;
  return in.make_coroutine(&fn, none, nullptr, Value());
}

Value make_asyncio_module(Interp& in, Builtins& b) {
  Ref<ModuleObj> m(new ModuleObj("asyncio"));
  auto fn = [&](const char* name, Builtin f) { m->attrs.emplace_back(name, Value(new BuiltinObj(name, f))); };
  fn("sleep", a_sleep);
  fn("gather", a_gather);
  fn("create_task", a_create_task);
  fn("ensure_future", a_ensure_future);
  fn("iscoroutine", a_iscoroutine);
  fn("iscoroutinefunction", a_iscoroutinefunction);
  fn("isfuture", a_isfuture);
  fn("current_task", a_current_task);
  fn("all_tasks", a_all_tasks);
  add_event_loop_functions(in, *m);
  m->attrs.emplace_back("CancelledError", Value(b.CancelledError));
  m->attrs.emplace_back("TimeoutError", Value(b.TimeoutError));
  m->attrs.emplace_back("InvalidStateError", Value(b.InvalidStateError));
  m->attrs.emplace_back("BrokenBarrierError", Value(b.BrokenBarrierError));
  m->attrs.emplace_back("QueueEmpty", Value(b.QueueEmpty));
  m->attrs.emplace_back("QueueFull", Value(b.QueueFull));
  m->attrs.emplace_back("Future", Value(b.future));
  for (const char* c : {"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"}) m->attrs.emplace_back(c, make_str(c));
  m->attrs.emplace_back("Task", Value(b.task));
  return Value(m);
}

}  // namespace corun
