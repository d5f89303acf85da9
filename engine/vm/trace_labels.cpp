// Trace labels without side effects: see trace_labels.h for the rules.
#include "engine/vm/trace_labels.h"

#include "engine/asyncio/loop_methods.h"
#include "engine/python/builtins.h"
#include "engine/python/pyformat.h"
#include "engine/python/recursion.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

constexpr size_t kMaxLabel = 60;  // columns of one value's label
constexpr size_t kMaxItems = 6;   // items of a container shown before "..."
constexpr int kMaxDepth = 3;

// The first kMaxLabel code points of s, "..." when cut.
std::string cut(std::string s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (++n > kMaxLabel) {
      s.resize(i);
      return s + "...";
    }
  }
  return s;
}

std::string label(Interp& in, const Value& v, int depth);

std::string items(Interp& in, const std::vector<Value>& xs, int depth) {
  std::string s;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i) s += ", ";
    if (i == kMaxItems) return s + "...";
    s += label(in, xs[i], depth + 1);
  }
  return s;
}

std::string type_name(Interp& in, const Value& v) { return in.type_of(v)->name; }

std::string label(Interp& in, const Value& v, int depth) {
  if (!v.is_obj() || v.is_bigint() || v.is(ObjKind::Str)) return cut(repr_for_report(in, v));  // no code, no address
  if (depth >= kMaxDepth) return "...";
  Object* o = v.obj();
  switch (o->okind) {
    case ObjKind::List: return "[" + items(in, v.as<ListObj>()->items, depth) + "]";
    case ObjKind::Tuple: {
      const auto& xs = v.as<TupleObj>()->items;
      return "(" + items(in, xs, depth) + (xs.size() == 1 ? ",)" : ")");
    }
    case ObjKind::Dict: {
      std::string s = "{";
      size_t n = 0;
      for (auto& [k, val] : v.as<DictObj>()->entries) {
        if (n) s += ", ";
        if (n++ == kMaxItems) return s + "...}";
        s += label(in, k, depth + 1) + ": " + label(in, val, depth + 1);
      }
      return s + "}";
    }
    case ObjKind::Exception: {
      const ExcObj* e = v.as<ExcObj>();
      return e->type->name + "(" + items(in, e->args, depth) + ")";
    }
    case ObjKind::Type: return "<class " + v.as<TypeObj>()->name + ">";
    case ObjKind::Task: return "<Task " + pyfmt::str_repr(v.as<TaskObj>()->name()) + ">";
    case ObjKind::Function: return "<function " + function_qualname(*v.as<FunctionObj>()) + ">";
    case ObjKind::Coroutine: return "<coroutine " + coro_qualname(*v.as<CoroObj>()) + ">";
    case ObjKind::Builtin: return "<built-in " + std::string(v.as<BuiltinObj>()->name) + ">";
    case ObjKind::BoundMethod: {
      const BoundMethodObj* m = v.as<BoundMethodObj>();
      if (m->func.is(ObjKind::Function)) return "<bound method " + function_qualname(*m->func.as<FunctionObj>()) + ">";
      return "<bound method " + type_name(in, m->self) + "." + label(in, m->func, depth + 1) + ">";
    }
    case ObjKind::Module: return "<module " + v.as<ModuleObj>()->name + ">";
    default: return "<" + type_name(in, v) + ">";
  }
}

}  // namespace

std::string trace_repr(Interp& in, const Value& v) { return label(in, v, 0); }

std::string trace_call(Interp& in, const Value& fn, const std::vector<Value>& args) {
  std::string name;
  if (fn.is(ObjKind::Function)) {
    name = function_qualname(*fn.as<FunctionObj>());
  } else if (fn.is(ObjKind::BoundMethod)) {
    const BoundMethodObj* m = fn.as<BoundMethodObj>();
    name = m->func.is(ObjKind::Function) ? function_qualname(*m->func.as<FunctionObj>())
                                         : type_name(in, m->self) + "." + trace_repr(in, m->func);
  } else if (fn.is(ObjKind::Builtin)) {
    const BuiltinObj* b = fn.as<BuiltinObj>();
    Value self = b->self;
    // a method of a builtin value carries (receiver, name)
    if (self.is(ObjKind::Tuple) && self.as<TupleObj>()->items.size() == 2) self = self.as<TupleObj>()->items[0];
    name = self.is_none() ? std::string(b->name) : type_name(in, self) + "." + b->name;
  } else {
    name = trace_repr(in, fn);
  }
  return name + "(" + items(in, args, 0) + ")";
}


// ---- the hooks behind the trace's causes (interp.h: trace_waker) -------------------------

void Interp::trace_callback_begin(Callback fn, const Value& a, const Value& b) {
  if (fn == EventLoop::run_handle) {
    const HandleObj* h = a.as<HandleObj>();
    std::string what = h->what ? h->what
                       : h->fn == run_callable_handle && h->b.is(ObjKind::Tuple) ? trace_call(*this, h->a, h->b.as<TupleObj>()->items)
                                                                                 : "callback";
    trace_callback_ = ++trace_callbacks_;
    trace(TraceKind::CallbackRun, nullptr, 0, std::move(what), h->trace_by);
  } else if (b.is(ObjKind::Task)) {
    trace_cause_task_ = b.as<TaskObj>()->serial;  // a done-callback of a task that ended
  }
}

void Interp::trace_wake(const TaskObj* waiter, bool cancelled) {
  trace(TraceKind::Woken, waiter, 0, cancelled ? "cancel" : "", trace_waker());
}

}  // namespace corun
