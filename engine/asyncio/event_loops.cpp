// asyncio's event loop objects, ported from CPython 3.11's base_events.py
// and events.py (BaseEventLoop, BaseDefaultEventLoopPolicy, Handle), and the
// loop's exception handler with the default handler's wording.
#include "engine/asyncio/event_loops.h"
#include "engine/asyncio/futures.h"

#include <algorithm>

#include "engine/asyncio/asyncio_module.h"
#include "engine/asyncio/loop_methods.h"
#include "engine/asyncio/sockets.h"
#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

LoopObj* as_loop(const Value& v) { return v.as<LoopObj>(); }

void check_args(Interp& in, const char* fn, CallArgs& a, size_t lo, size_t hi) {
  if (a.nkw) in.raise(in.builtins().TypeError, std::string(fn) + "() takes no keyword arguments");
  if (a.npos < lo || a.npos > hi) {
    std::string n = lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
    in.raise(in.builtins().TypeError, std::string(fn) + "() takes " + n + " positional argument" + (hi == 1 ? "" : "s") +
                                          " but " + std::to_string(a.npos) + " were given");
  }
}

// BaseEventLoop._check_closed
void check_closed(Interp& in, const LoopObj* loop) {
  if (loop->closed) in.raise(in.builtins().RuntimeError, "Event loop is closed");
}

// BaseEventLoop._check_running
void check_running(Interp& in, const LoopObj* loop) {
  if (loop->running) in.raise(in.builtins().RuntimeError, "This event loop is already running");
  if (!in.loops().running.is_none())
    in.raise(in.builtins().RuntimeError, "Cannot run the event loop while another loop is running");
}

// ---- the loop's methods ----

Value m_call_soon(Interp& in, const Value& self, CallArgs& a) {
  check_closed(in, as_loop(self));
  return loop_call_soon(in, self, a);
}
Value m_call_later(Interp& in, const Value& self, CallArgs& a) {
  check_closed(in, as_loop(self));
  return loop_call_later(in, self, a);
}
Value m_call_at(Interp& in, const Value& self, CallArgs& a) {
  check_closed(in, as_loop(self));
  return loop_call_at(in, self, a);
}
Value m_create_task(Interp& in, const Value& self, CallArgs& a) {
  check_closed(in, as_loop(self));
  return loop_create_task(in, self, a);
}

Value m_is_running(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "is_running", a, 0, 0);
  return Value::boolean(as_loop(self)->running);
}
Value m_is_closed(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "is_closed", a, 0, 0);
  return Value::boolean(as_loop(self)->closed);
}
Value m_get_debug(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "get_debug", a, 0, 0);
  return Value::boolean(as_loop(self)->debug);
}
Value m_set_debug(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "set_debug", a, 1, 1);
  LoopObj* loop = as_loop(self);
  loop->debug = in.truthy(a.pos[0]);
  if (loop->running) in.loop().debug_ = loop->debug;
  return Value();
}

// BaseEventLoop.stop: the loop finishes its current iteration, then stops.
Value m_stop(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "stop", a, 0, 0);
  LoopObj* loop = as_loop(self);
  if (loop->running) in.loop().stop();
  else loop->stopping = true;
  return Value();
}

// BaseEventLoop.run_forever
Value m_run_forever(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "run_forever", a, 0, 0);
  LoopObj* loop = as_loop(self);
  check_closed(in, loop);
  check_running(in, loop);
  in.run_loop_forever(self);
  return Value();
}

void stop_when_done(Interp& in, const Value& loop, const Value&) {
  // _run_until_complete_cb: futures._get_loop(fut).stop()
  if (as_loop(loop)->running) in.loop().stop();
}

// BaseEventLoop.run_until_complete
Value m_run_until_complete(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "run_until_complete", a, 1, 1);
  LoopObj* loop = as_loop(self);
  check_closed(in, loop);
  check_running(in, loop);
  bool new_task = !(a.pos[0].is(ObjKind::Future) || a.pos[0].is(ObjKind::Task));
  Value fut = a_ensure_future(in, Value(), a);
  FutureObj* f = fut.as<FutureObj>();
  f->callbacks.push_back(DoneCallback{stop_when_done, Ref<Object>(loop)});
  if (f->done()) in.loop().call_soon(stop_when_done, self);  // add_done_callback on a done future schedules at once
  try {
    in.run_loop_forever(self);
  } catch (PyException&) {
    // The loop itself failed: the future's exception is not worth a warning.
    if (new_task && f->done() && f->state != FutureObj::State::Cancelled) f->log_traceback = false;
    throw;
  }
  f->callbacks.remove_if([](const DoneCallback& cb) { return cb.fn == stop_when_done; });  // remove_done_callback(_run_until_complete_cb)
  if (!f->done()) in.raise(in.builtins().RuntimeError, "Event loop stopped before Future completed.");
  return in.future_result(f);
}

// BaseEventLoop.close: what is scheduled is dropped.
Value m_close(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "close", a, 0, 0);
  LoopObj* loop = as_loop(self);
  if (loop->running) in.raise(in.builtins().RuntimeError, "Cannot close a running event loop");
  if (loop->closed) return Value();
  loop->closed = true;
  in.loop().clear_scheduled();
  in.close_asyncgen_hooks();
  return Value();
}

Value m_shutdown_asyncgens(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "shutdown_asyncgens", a, 0, 0);
  return in.call0(in.prelude_function("_shutdown_asyncgens"), {});  // BaseEventLoop.shutdown_asyncgens, ported
}
Value m_shutdown_default_executor(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "shutdown_default_executor", a, 0, 0);
  return make_noop_coroutine(in, "shutdown_default_executor");
}

// run_in_executor(None, fn, *args): to_thread's model (docs/language.md §11):
// fn runs at once on a clock of its own, and the future it returns is
// resolved that much later on the loop's.
void resolve_executor_future(Interp& in, const Value& fut, const Value& outcome) {
  FutureObj* f = fut.as<FutureObj>();
  if (f->done()) return;
  const auto& o = outcome.as<TupleObj>()->items;
  if (o[0].as_bool()) in.future_set_result(f, o[1]);
  else in.future_set_exception(f, o[1]);
}

Value m_run_in_executor(Interp& in, const Value& self, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "run_in_executor() takes no keyword arguments");
  if (a.npos < 2) in.raise(in.builtins().TypeError, "run_in_executor() missing 1 required positional argument: 'func'");
  check_closed(in, as_loop(self));
  if (!a.pos[0].is_none())
    in.raise(in.builtins().TypeError, "corun does not support executors: pass None, the default executor");
  Ref<FutureObj> fut = in.create_future();
  int64_t saved = in.loop().begin_thread_time();
  Value ok = Value::boolean(true), result;
  try {
    result = in.call0(a.pos[1], std::vector<Value>(a.pos + 2, a.pos + a.npos));
  } catch (PyException& e) {
    ok = Value::boolean(false);
    result = e.exc;
  }
  int64_t spent = in.loop().end_thread_time(saved);
  in.loop().call_later(spent, resolve_executor_future, Value(fut), make_tuple({ok, result}))->what = "run_in_executor: the result";
  return Value(fut);
}

Value m_set_exception_handler(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "set_exception_handler", a, 1, 1);
  const Value& h = a.pos[0];
  bool callable = h.is(ObjKind::Function) || h.is(ObjKind::Builtin) || h.is(ObjKind::BoundMethod) || h.is(ObjKind::Type) ||
                  h.is(ObjKind::Misc);
  if (!h.is_none() && !callable)
    in.raise(in.builtins().TypeError, "A callable object or None is expected, got " + in.repr(h));
  as_loop(self)->exception_handler = h;
  return Value();
}
Value m_get_exception_handler(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "get_exception_handler", a, 0, 0);
  return as_loop(self)->exception_handler;
}
Value m_call_exception_handler(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "call_exception_handler", a, 1, 1);
  in.call_exception_handler(self, a.pos[0]);
  return Value();
}
Value m_default_exception_handler(Interp& in, const Value& self, CallArgs& a) {
  check_args(in, "default_exception_handler", a, 1, 1);
  in.default_exception_handler(self, a.pos[0]);
  return Value();
}

// loop.create_connection(), create_server() and sock_connect(): ported
// into the prelude (base_events.yaml, selector_events.yaml) as functions
// taking the loop first.
Value call_with_loop(Interp& in, const Value& fn, const Value& loop, CallArgs& a) {
  std::vector<Value> pos;
  pos.reserve(a.npos + 1);
  pos.push_back(loop);
  pos.insert(pos.end(), a.pos, a.pos + a.npos);
  CallArgs b = a;
  b.pos = pos.data();
  b.npos = pos.size();
  return in.call(fn, b);
}
Value m_create_connection(Interp& in, const Value& loop, CallArgs& a) {
  return call_with_loop(in, in.prelude_function("_create_connection"), loop, a);
}
Value m_create_server(Interp& in, const Value& loop, CallArgs& a) {
  return call_with_loop(in, in.prelude_function("_create_server"), loop, a);
}
Value m_sock_connect(Interp& in, const Value& loop, CallArgs& a) {
  return call_with_loop(in, in.prelude_function("_sock_connect_coro"), loop, a);
}

struct Method { const char* name; Builtin fn; };
const Method kLoopMethods[] = {
    {"time", loop_time}, {"create_future", loop_create_future}, {"create_task", m_create_task},
    {"call_soon", m_call_soon}, {"call_soon_threadsafe", m_call_soon}, {"call_later", m_call_later},
    {"call_at", m_call_at}, {"run_until_complete", m_run_until_complete}, {"run_forever", m_run_forever},
    {"stop", m_stop}, {"close", m_close}, {"is_running", m_is_running}, {"is_closed", m_is_closed},
    {"get_debug", m_get_debug}, {"set_debug", m_set_debug}, {"shutdown_asyncgens", m_shutdown_asyncgens},
    {"shutdown_default_executor", m_shutdown_default_executor}, {"run_in_executor", m_run_in_executor},
    {"set_exception_handler", m_set_exception_handler}, {"get_exception_handler", m_get_exception_handler},
    {"call_exception_handler", m_call_exception_handler}, {"default_exception_handler", m_default_exception_handler},
    {"create_connection", m_create_connection}, {"create_server", m_create_server}, {"sock_connect", m_sock_connect},
    {"add_reader", loop_add_reader}, {"remove_reader", loop_remove_reader},
    {"add_writer", loop_add_writer}, {"remove_writer", loop_remove_writer},
};

// ---- asyncio's functions ----

Value a_new_event_loop(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "new_event_loop", a, 0, 0);
  return new_loop_object(in);
}

Value a_get_running_loop(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "get_running_loop", a, 0, 0);
  return in.running_loop_object();
}

Value h_get_running_loop(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "_get_running_loop", a, 0, 0);
  return in.loops().running;
}

// events.get_event_loop(): the running loop; else the policy's, which makes
// one the first time (3.11.7 warns nothing here).
Value a_get_event_loop(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "get_event_loop", a, 0, 0);
  LoopState& s = in.loops();
  if (!s.running.is_none()) return s.running;
  if (s.current.is_none() && !s.set_called) {
    s.current = new_loop_object(in);
    s.set_called = true;
  }
  if (s.current.is_none()) in.raise(in.builtins().RuntimeError, "There is no current event loop in thread 'MainThread'.");
  return s.current;
}

Value a_set_event_loop(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "set_event_loop", a, 1, 1);
  if (!a.pos[0].is_none() && !a.pos[0].is(ObjKind::Loop))
    in.raise(in.builtins().TypeError, "loop must be an instance of AbstractEventLoop or None, not '" +
                                          in.type_of(a.pos[0])->name + "'");
  in.loops().set_called = true;
  in.loops().current = a.pos[0];
  return Value();
}

// Runner.run's main task, which the first Ctrl-C cancels (Runner._on_sigint).
Value h_runner_main_task(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "_runner_main_task", a, 1, 1);
  in.set_main_task(a.pos[0]);
  return Value();
}
Value h_interrupt_count(Interp& in, const Value&, CallArgs& a) {
  check_args(in, "_interrupt_count", a, 0, 0);
  return Value::integer(in.interrupt_count());
}

// reprlib.repr, as asyncio formats a callback's arguments.
std::string short_repr(Interp& in, const Value& v, int level = 6) {
  auto cut = [](std::string s, size_t max) {
    if (s.size() <= max) return s;
    size_t i = (max - 3) / 2, j = max - 3 - i;
    return s.substr(0, i) + "..." + s.substr(s.size() - j);
  };
  if (v.is(ObjKind::Str)) {
    const std::string& s = str_of(v);
    std::string r = in.repr(make_str(s.substr(0, 30)));
    if (r.size() <= 30) return r;
    r = in.repr(make_str(s.substr(0, 13) + s.substr(s.size() - 14)));
    return r.substr(0, 13) + "..." + r.substr(r.size() - 14);
  }
  if (v.is_intlike() || v.is_bigint()) return cut(in.repr(v), 40);
  if (v.is(ObjKind::List) || v.is(ObjKind::Tuple)) {
    bool list = v.is(ObjKind::List);
    const std::vector<Value>& items = list ? v.as<ListObj>()->items : v.as<TupleObj>()->items;
    const char* open = list ? "[" : "(";
    const char* close = list ? "]" : ")";
    if (items.empty()) return std::string(open) + close;
    if (level <= 0) return std::string(open) + "..." + close;
    std::string s = open;
    for (size_t i = 0; i < items.size() && i < 6; ++i) s += (i ? ", " : "") + short_repr(in, items[i], level - 1);
    if (items.size() > 6) s += ", ...";
    if (!list && items.size() == 1) s += ",";
    return s + close;
  }
  return cut(in.repr(v), 30);
}

// _get_function_source: only a Python function has one.
std::string function_source(Interp& in, const Value& fn) {
  if (!fn.is(ObjKind::Function)) return "";
  const CodeObject* code = fn.as<FunctionObj>()->code;
  return in.location(code, code->def_line);
}

}  // namespace

// format_helpers._format_callback_source(func, args)
std::string format_callback_source(Interp& in, const Value& fn, const Value& args) {
  std::string s;
  if (fn.is(ObjKind::Function)) s = function_qualname(*fn.as<FunctionObj>());
  else if (fn.is(ObjKind::BoundMethod)) s = in.str(in.get_attr(fn, "__qualname__"));
  else if (fn.is(ObjKind::Builtin)) s = fn.as<BuiltinObj>()->name;
  else s = in.repr(fn);
  s += "(";
  if (args.is(ObjKind::Tuple)) {
    const auto& items = args.as<TupleObj>()->items;
    for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + short_repr(in, items[i]);
  }
  s += ")";
  std::string where = function_source(in, fn);
  if (!where.empty()) s += " at " + where;
  return s;
}

std::string handle_repr(Interp& in, const Value& handle) {
  const HandleObj* h = handle.as<HandleObj>();
  std::string s = h->is_timer ? "<TimerHandle" : "<Handle";
  if (h->cancelled) s += " cancelled";
  if (h->is_timer) s += " when=" + in.repr(Value::flt(double(h->when) / 1e9));
  if (h->fn == run_callable_handle) s += " " + format_callback_source(in, h->a, h->b);
  return s + ">";
}

std::string loop_repr(const LoopObj* loop) {
  auto b = [](bool x) { return x ? "True" : "False"; };
  return std::string("<_UnixSelectorEventLoop running=") + b(loop->running) + " closed=" + b(loop->closed) +
         " debug=" + b(loop->debug) + ">";
}

Value new_loop_object(Interp& in) {
  Ref<LoopObj> loop(new LoopObj());
  loop->debug = in.options().debug;  // PYTHONASYNCIODEBUG's part: --debug
  return Value(loop);
}

Value loop_attribute(Interp& in, const Value& loop, const std::string& name) {
  for (const Method& m : kLoopMethods)
    if (name == m.name) return Value(new BuiltinObj(m.name, m.fn, loop));
  in.raise(in.builtins().AttributeError, "'_UnixSelectorEventLoop' object has no attribute '" + name + "'");
}

void add_event_loop_functions(Interp&, ModuleObj& asyncio) {
  auto fn = [&](const char* name, Builtin f) { asyncio.attrs.emplace_back(name, Value(new BuiltinObj(name, f))); };
  fn("new_event_loop", a_new_event_loop);
  fn("get_running_loop", a_get_running_loop);
  fn("get_event_loop", a_get_event_loop);
  fn("set_event_loop", a_set_event_loop);
}

void add_event_loop_helpers(Builtins& b) {
  auto fn = [&](const char* name, Builtin f) { b.values[size_t(builtin_index(name))] = Value(new BuiltinObj(name, f)); };
  fn("_get_running_loop", h_get_running_loop);
  fn("_runner_main_task", h_runner_main_task);
  fn("_interrupt_count", h_interrupt_count);
}

// ---- the exception handler (BaseEventLoop.call_exception_handler) ----

namespace {

Value context_get(Interp& in, const Value& context, const char* key) {
  if (!context.is(ObjKind::Dict)) return Value();
  const Value* v = context.as<DictObj>()->find(make_str(key));
  return v ? *v : Value();
}

}  // namespace

// BaseEventLoop.default_exception_handler: the message, each other key of
// the context (sorted) as `key: repr(value)`, then the exception's traceback,
// on stderr as asyncio's logger writes them.
void Interp::default_exception_handler(const Value&, const Value& context) {
  if (!context.is(ObjKind::Dict)) raise(builtins_->TypeError, "'" + type_of(context)->name + "' object is not subscriptable");
  Value message = context_get(*this, context, "message");
  std::string text = truthy(message) ? str(message) : "Unhandled exception in event loop";
  std::vector<std::pair<std::string, Value>> others;
  for (auto& [k, v] : context.as<DictObj>()->entries) {
    std::string key = str(k);
    if (key != "message" && key != "exception") others.emplace_back(key, v);
  }
  std::sort(others.begin(), others.end(), [](auto& x, auto& y) { return x.first < y.first; });
  for (auto& [key, v] : others) text += "\n" + key + ": " + (v.is(ObjKind::Handle) ? handle_repr(*this, v) : repr(v));
  Value exc = context_get(*this, context, "exception");
  write_err(text + "\n");
  if (exc.is(ObjKind::Exception)) print_traceback(exc);
}

void Interp::call_exception_handler(const Value& loop_value, const Value& context) {
  Value loop = loop_value;
  if (loop.is_none()) loop = loops_.running.is_none() ? loops_.last : loops_.running;
  Value handler = loop.is(ObjKind::Loop) ? loop.as<LoopObj>()->exception_handler : Value();
  if (handler.is_none()) {
    try {
      default_exception_handler(loop, context);
    } catch (PyException& e) {
      write_err("Exception in default exception handler\n");
      print_traceback(e.exc);
    }
    return;
  }
  try {
    call0(handler, {loop, context});
  } catch (PyException& e) {
    if (type_of(e.exc)->is_subclass_of(builtins_->KeyboardInterrupt) || type_of(e.exc)->is_subclass_of(builtins_->SystemExit))
      throw;
    try {
      Ref<DictObj> ctx(new DictObj());
      ctx->set(make_str("message"), make_str("Unhandled error in exception handler"));
      ctx->set(make_str("exception"), e.exc);
      ctx->set(make_str("context"), context);
      default_exception_handler(loop, Value(ctx));
    } catch (PyException& failed) {
      write_err("Exception in default exception handler\n");
      print_traceback(failed.exc);
    }
  }
}

// A callback raised: Handle._run's report.
void Interp::report_callback_exception(const Value& exc, const Value& handle) {
  Ref<DictObj> ctx(new DictObj());
  const HandleObj* h = handle.as<HandleObj>();
  try {
    ctx->set(make_str("message"), make_str("Exception in callback " + format_callback_source(*this, h->a, h->b)));
  } catch (PyException& failed) {  // the callback's repr raised (deep data): as a failing default handler
    write_err("Exception in default exception handler\n");
    print_traceback(failed.exc);
    return;
  }
  ctx->set(make_str("exception"), exc);
  ctx->set(make_str("handle"), handle);
  call_exception_handler(Value(), Value(ctx));
}

std::span<const CallbackName> event_loops_callback_names() {
  static const CallbackName kNames[] = {{stop_when_done, "_run_until_complete_cb", true}};
  return kNames;
}

}  // namespace corun
