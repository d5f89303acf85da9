// Futures, after Lib/asyncio/futures.py: a done future schedules its
// done-callbacks with call_soon, in the order they were added.
#include "engine/asyncio/futures.h"

#include "engine/asyncio/loop.h"
#include "engine/python/attrs.h"
#include "engine/python/builtins.h"
#include "engine/python/functools_module.h"
#include "engine/python/pyformat.h"
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

Value Interp::future_failure(FutureObj* f) {
  if (f->state == FutureObj::State::Cancelled) return make_cancelled_error(f);
  if (f->state != FutureObj::State::Finished) return make_exception(builtins_->InvalidStateError, "Result is not set.");
  f->log_traceback = false;
  return f->exception;
}

Value Interp::future_result(FutureObj* f) {
  Value v;
  if (future_outcome(f, v)) raise_value(std::move(v));
  return v;
}

Value Interp::future_exception(FutureObj* f) {
  if (f->state == FutureObj::State::Cancelled) raise_value(make_cancelled_error(f));
  if (f->state != FutureObj::State::Finished) raise(builtins_->InvalidStateError, "Exception is not set.");
  f->log_traceback = false;
  return f->exception;
}

}  // namespace corun

// ---- the cb=[...] of a future's repr (base_futures._format_callbacks) ------------------------

namespace corun {

namespace {

// reprlib.repr, as _format_args_and_kwargs prints a callback's arguments:
// a str past 30 characters, an int past 40 digits and any other object's
// repr past 30 are cut in the middle; a list or tuple shows 6 items, 6
// levels deep. (reprlib's dict, set and deque forms are not ported: those
// print as other objects.)
// s cut to `max` characters (code points) as reprlib cuts: the first
// (max - 3) / 2 and the last ones, "..." between.
std::string cut(const std::string& s, size_t max) {
  std::vector<size_t> starts;  // where each code point begins
  for (size_t i = 0; i < s.size();) {
    starts.push_back(i);
    take_code_point(s, i);
  }
  if (starts.size() <= max) return s;
  size_t i = (max - 3) / 2, j = max - 3 - i;
  return s.substr(0, starts[i]) + "..." + s.substr(starts[starts.size() - j]);
}

// The first n code points of s from code point `from`.
std::string code_points(const std::string& s, size_t from, size_t n) {
  size_t at = 0, k = 0;
  for (; k < from && at < s.size(); ++k) take_code_point(s, at);
  size_t begin = at;
  for (k = 0; k < n && at < s.size(); ++k) take_code_point(s, at);
  return s.substr(begin, at - begin);
}

std::string short_repr(Interp& in, const Value& x, int level) {
  if (x.is(ObjKind::Str)) {  // repr_str
    const std::string& s = str_of(x);
    std::string r = in.repr(make_str(code_points(s, 0, 30)));
    if (pyfmt::utf8_length(r) <= 30) return r;
    size_t n = pyfmt::utf8_length(s);
    // x[len(x) - 14:], a negative start counting from the end as Python's does
    auto tail_from = [](size_t len) { return len >= 14 ? len - 14 : (2 * len >= 14 ? 2 * len - 14 : 0); };
    std::string both = in.repr(make_str(code_points(s, 0, 13) + code_points(s, tail_from(n), 14)));
    size_t m = pyfmt::utf8_length(both);  // cut whatever its length, as repr_str does
    return code_points(both, 0, 13) + "..." + code_points(both, tail_from(m), 14);
  }
  if (x.is_int() || x.is_bigint()) return cut(in.repr(x), 40);
  if (x.is(ObjKind::List) || x.is(ObjKind::Tuple)) {
    const bool tuple = x.is(ObjKind::Tuple);
    const std::vector<Value>& items = tuple ? x.as<TupleObj>()->items : x.as<ListObj>()->items;
    std::string left = tuple ? "(" : "[", right = tuple ? ")" : "]";
    if (items.empty()) return left + right;
    if (level <= 0) return left + "..." + right;
    std::string s;
    for (size_t i = 0; i < items.size() && i < 6; ++i) s += (i ? ", " : "") + short_repr(in, items[i], level - 1);
    if (items.size() > 6) s += ", ...";
    if (items.size() == 1 && tuple) right = "," + right;
    return left + s + right;
  }
  return cut(in.repr(x), 30);
}

// _format_args_and_kwargs
std::string format_args(Interp& in, const std::vector<Value>& args, const DictObj* kwargs) {
  std::string s;
  for (const Value& a : args) s += (s.empty() ? "" : ", ") + short_repr(in, a, 6);
  if (kwargs)
    for (const auto& [k, v] : kwargs->entries) s += (s.empty() ? "" : ", ") + in.str(k) + "=" + short_repr(in, v, 6);
  return "(" + s + ")";
}

// getattr(fn, name) when fn has it and it is true, else nothing
bool attr_text(Interp& in, const Value& fn, const char* name, std::string& out) {
  try {
    Value v = in.get_attr(fn, name);
    if (!in.truthy(v)) return false;
    out = in.str(v);
    return true;
  } catch (PyException& e) {
    if (!in.exc_matches(e.exc, Value(in.builtins().AttributeError))) throw;
    return false;
  }
}

// _format_callback: a partial's arguments go after its function's name.
std::string format_callback(Interp& in, const Value& fn, const std::vector<Value>& args, const DictObj* kwargs,
                            std::string suffix) {
  if (is_partial(fn)) {
    InstanceObj* p = fn.as<InstanceObj>();
    const Value *func = p->find("func"), *pargs = p->find("args"), *pkw = p->find("keywords");
    if (func && pargs && pkw && pargs->is(ObjKind::Tuple) && pkw->is(ObjKind::Dict)) {
      suffix = format_args(in, args, kwargs) + suffix;
      return format_callback(in, *func, pargs->as<TupleObj>()->items, pkw->as<DictObj>(), std::move(suffix));
    }
  }
  std::string name;
  if (!attr_text(in, fn, "__qualname__", name) && !attr_text(in, fn, "__name__", name)) name = in.repr(fn);
  return name + format_args(in, args, kwargs) + suffix;
}

// _get_function_source: a plain function's file and first line (through
// functools.wraps' __wrapped__ and partials); none for anything else.
std::string function_source(Interp& in, Value fn) {
  for (int hops = 0; hops < 100; ++hops) {  // inspect.unwrap, which refuses a cycle
    if (is_partial(fn)) {
      const Value* func = fn.as<InstanceObj>()->find("func");
      if (!func) return "";
      fn = *func;
      continue;
    }
    if (!fn.is(ObjKind::Function)) return "";
    const FunctionObj* f = fn.as<FunctionObj>();
    if (f->attrs && f->attrs->dict) {
      if (const Value* w = f->attrs->dict->find(make_str("__wrapped__"))) {
        fn = *w;
        continue;
      }
    }
    return in.location(f->code, f->code->def_line);
  }
  return "";
}

const CallbackName* library_callback(Callback fn) {
  for (std::span<const CallbackName> table :
       {tasks_callback_names(), task_functions_callback_names(), taskgroups_callback_names(), event_loops_callback_names()})
    for (const CallbackName& n : table)
      if (n.fn == fn) return &n;
  return nullptr;
}

// format_helpers._format_callback_source(callback, ())
std::string callback_text(Interp& in, Callback fn, const Object* ctx) {
  if (is_user_callback(fn)) {
    Value callable = user_callback_callable(ctx);
    std::string s = format_callback(in, callable, {}, nullptr, "");
    std::string source = function_source(in, callable);
    return source.empty() ? s : s + " at " + source;
  }
  if (const CallbackName* n = library_callback(fn)) {
    std::string s = n->qualname;
    s += n->ctx_is_argument ? "(" + short_repr(in, Value(const_cast<Object*>(ctx)), 6) + ")()" : "()";
    return n->has_source ? s + " at <corun asyncio>" : s;
  }
  return "<corun callback>()";  // every callback asyncio adds is in the tables above
}

}  // namespace

std::string callbacks_repr(Interp& in, const FutureObj& f) {
  const size_t n = f.callbacks.size();
  if (n == 0) return "";
  std::string first, last;
  size_t i = 0;
  f.callbacks.for_each([&](Callback fn, const Object* ctx) {
    if (i == 0) first = callback_text(in, fn, ctx);
    else if (i + 1 == n) last = callback_text(in, fn, ctx);
    ++i;
  });
  if (n == 1) return " cb=[" + first + "]";
  if (n == 2) return " cb=[" + first + ", " + last + "]";
  return " cb=[" + first + ", <" + std::to_string(n - 2) + " more>, " + last + "]";
}

}  // namespace corun
