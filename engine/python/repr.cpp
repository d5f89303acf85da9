// Python's repr(), str() and format() over corun's values, byte for byte as
// CPython prints them: containers guard against holding themselves ([...]),
// addresses are numbered in the order first printed (fake_address), and
// ints past 4300 digits refuse to print, as CPython 3.11 does.
#include "engine/asyncio/futures.h"
#include "engine/compile/code.h"
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "engine/python/bytes.h"
#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/python/collections_module.h"
#include "engine/python/os_errors.h"
#include "engine/python/pyformat.h"
#include "engine/python/recursion.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

// CPython prints real addresses, which change from run to run. corun numbers
// addresses in the order they are first printed, so the same scenario prints
// the same text every run; as in CPython, an object allocated where a freed
// one was shows the same address.
std::string fake_address(const void* p) {
  static std::unordered_map<const void*, uint64_t> numbers;
  auto [it, fresh] = numbers.emplace(p, numbers.size());
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x7f%010llx", (unsigned long long)(0x1000000 + it->second * 0x50));
  (void)fresh;
  return buf;
}

namespace {

std::string join_reprs(Interp& in, const std::vector<Value>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    charge_step();  // a container of shared containers can be huge to print
    if (i) s += ", ";
    s += in.repr(items[i]);
  }
  return s;
}

std::string future_state_text(const FutureObj* f) {
  switch (f->state) {
    case FutureObj::State::Pending: return "pending";
    case FutureObj::State::Cancelled: return "cancelled";
    case FutureObj::State::Finished: return "finished";
  }
  return "";
}

}  // namespace

std::string repr_for_report(Interp& in, const Value& v) {
  try {
    return in.repr(v);
  } catch (PyException&) {
    return "<repr failed: too deep>";
  }
}

// <Task pending name='Task-2' coro=<worker() running at x.yaml:5>>, as base_tasks._task_repr_info.
std::string task_repr(Interp& in, const TaskObj* t) {
  std::string s = "<Task " + future_state_text(t);
  if (t->state == FutureObj::State::Pending && t->must_cancel) s = "<Task cancelling";
  s += " name=" + pyfmt::str_repr(t->name());
  const CoroObj* c = t->coro.get();
  if (c) {
    // CPython's _format_coroutine shows the task's own coroutine frame
    // (cr_frame), not the innermost frame it awaits through.
    const Frame* f = &c->frame;
    std::string where;
    if (c->state == CoroObj::State::Done || t->done())
      where = "done, defined at " + in.location(c->frame.code, c->frame.code->def_line);
    else
      where = "running at " + in.location(f->code, f->code->code.empty() ? 0 : f->code->code[size_t(f->pc)].line);
    s += " coro=<" + coro_qualname(*c) + "() " + where + ">";
  }
  // _task_repr_info: wait_for=, the future the task waits on (corun keeps
  // a sleep's future on the task itself: what that future's repr would be)
  if (!t->fut_waiter.is_none()) {
    s += " wait_for=" + in.repr(Value(t->fut_waiter.get()));
  } else if (t->sleep != TaskObj::Sleep::None) {
    static const char* const kSleepFuture[] = {"", "<Future pending cb=[Task.task_wakeup()]>", "<Future finished result=None>",
                                               "<Future cancelled>"};
    s += std::string(" wait_for=") + kSleepFuture[int(t->sleep)];
  }
  if (t->state == FutureObj::State::Finished) {
    if (!t->exception.is_none()) s += " exception=" + in.repr(t->exception);
    else s += " result=" + in.repr(t->result);
  }
  return s + callbacks_repr(in, *t) + ">";
}

namespace {

// Containers being printed, innermost last: a container that holds itself
// prints as [...] / {...}, as Python's reprlib-style recursion guard does.
thread_local std::vector<const Object*> g_repr_stack;

struct ReprGuard {
  bool recursive = false;
  explicit ReprGuard(const Object* o) {
    for (const Object* p : g_repr_stack) if (p == o) recursive = true;
    if (!recursive) g_repr_stack.push_back(o);
  }
  ~ReprGuard() { if (!recursive) g_repr_stack.pop_back(); }
};

}  // namespace

// str(int) past 4300 digits raises, as CPython 3.11's integer string
// conversion limit (sys.set_int_max_str_digits) does. Like CPython, a number
// whose size alone proves it too long is refused before the (quadratic)
// conversion, so str(3**10**7) fails at once.
std::string bigint_decimal(Interp& in, const BigInt& v) {
  constexpr size_t kMaxStrDigits = 4300;
  // 4300 decimal digits need at most 4300 * log2(10) < 14286 bits.
  const bool too_long = v.bit_length() > 14286;
  std::string s = too_long ? std::string() : v.to_string();
  if (too_long || s.size() - (v.is_negative() ? 1 : 0) > kMaxStrDigits)
    in.raise(in.builtins().ValueError,
             "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit");
  return s;
}

// format(big, spec): the int presentation types, on the digits BigInt gives.
std::string format_bigint(Interp& in, const BigInt& v, std::string_view spec) {
  if (spec.empty()) return bigint_decimal(in, v);
  char type = spec.back();
  if (std::strchr("eEfFgG%", type)) return in.format(Value::flt(v.to_double()), spec);
  // Format the magnitude's digits as a string, then put the sign and padding
  // around it the way int formatting does, by formatting a small stand-in.
  std::string digits;
  std::string_view rest = spec;
  if (std::strchr("xXobd", type)) rest.remove_suffix(1);
  else if (!std::isdigit((unsigned char)type) && !std::strchr(",_<>=^+- #", type))
    in.raise(in.builtins().ValueError, std::string("Unknown format code '") + type + "' for object of type 'int'");
  BigInt mag = v.is_negative() ? -v : v;
  switch (type) {
    case 'x': digits = mag.to_hex(); break;
    case 'X': digits = mag.to_hex(); for (auto& c : digits) c = char(std::toupper((unsigned char)c)); break;
    case 'o': digits = mag.to_octal(); break;
    case 'b': digits = mag.to_binary(); break;
    default: digits = bigint_decimal(in, mag); break;
  }
  bool alt = rest.find('#') != std::string_view::npos;
  std::string prefix = !alt ? "" : type == 'x' ? "0x" : type == 'X' ? "0X" : type == 'o' ? "0o" : type == 'b' ? "0b" : "";
  char group = rest.find(',') != std::string_view::npos ? ',' : rest.find('_') != std::string_view::npos ? '_' : 0;
  if (group) {
    size_t every = (type == 'x' || type == 'X' || type == 'o' || type == 'b') ? 4 : 3;
    std::string grouped;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i && (digits.size() - i) % every == 0) grouped += group;
      grouped += digits[i];
    }
    digits = grouped;
  }
  // Sign: '-' always when negative; '+' or ' ' on request.
  std::string sign = v.is_negative() ? "-" : rest.find('+') != std::string_view::npos ? "+" : rest.find(' ') != std::string_view::npos && rest.find(' ') > 0 ? " " : "";
  // Width, fill and alignment: parse [[fill]align][sign][#][0][width].
  size_t i = 0;
  char fill = ' ', align = '>';
  if (rest.size() >= 2 && std::strchr("<>=^", rest[1])) { fill = rest[0]; align = rest[1]; i = 2; }
  else if (!rest.empty() && std::strchr("<>=^", rest[0])) { align = rest[0]; i = 1; }
  while (i < rest.size() && std::strchr("+- #", rest[i])) ++i;
  if (i < rest.size() && rest[i] == '0') { if (!(rest.size() >= 2 && std::strchr("<>=^", rest[1]))) { fill = '0'; align = '='; } ++i; }
  size_t width = 0;
  while (i < rest.size() && std::isdigit((unsigned char)rest[i])) {
    // Past PY_SSIZE_T_MAX CPython's spec parser gives up (pyformat's read_integer).
    const size_t digit = size_t(rest[i++] - '0');
    if (width > (size_t(INT64_MAX) - digit) / 10) in.raise(in.builtins().ValueError, "Too many decimal digits in format string");
    width = width * 10 + digit;
  }
  std::string body = prefix + digits;
  size_t len = sign.size() + body.size();
  if (len >= width) return sign + body;
  size_t pad = width - len;
  reserve_bytes(width);
  switch (align) {
    case '<': return sign + body + std::string(pad, fill);
    case '^': return std::string(pad / 2, fill) + sign + body + std::string(pad - pad / 2, fill);
    case '=': return sign + std::string(pad, fill) + body;
    default: return std::string(pad, fill) + sign + body;
  }
}

// The text a __str__ or __repr__ returns, which must be a str.
static std::string dunder_text(Interp& in, const Value& v, const FunctionObj* f, const char* name) {
  NativeRecursion depth(" while getting the repr of an object");
  Value r = call_dunder(in, v, f, {});
  if (!r.is(ObjKind::Str))
    in.raise(in.builtins().TypeError, std::string(name) + " returned non-string (type " + in.type_of(r)->name + ")");
  return str_of(r);
}

// The repr of a defaultdict, Counter or OrderedDict, as each spells its own.
std::string collections_dict_repr(Interp& in, const Value& v) {
  DictObj* d = v.as<DictObj>();
  const std::string& name = in.type_of(v)->name;
  switch (d->flavor) {
    case DictObj::Flavor::DefaultDict: {
      // defdict_repr: dict's repr (guarded), then the factory's (guarded: "...").
      std::string base;
      {
        ReprGuard guard(d);
        base = guard.recursive ? "{...}" : in.base_repr(v);
      }
      const Value factory = static_cast<DefaultDictObj*>(d)->factory;
      std::string fact;
      if (factory.is_none()) fact = "None";
      else if (!factory.is_obj()) fact = in.repr(factory);
      else {
        ReprGuard guard(factory.obj());
        fact = guard.recursive ? "..." : in.repr(factory);
      }
      return name + "(" + fact + ", " + base + ")";
    }
    case DictObj::Flavor::OrderedDict: {
      // odict_repr: "OrderedDict()", or the items as a list of pairs; "..." inside itself.
      if (d->entries.empty()) return name + "()";
      ReprGuard guard(d);
      if (guard.recursive) return "...";
      std::vector<std::pair<Value, Value>> items = d->entries;
      std::string s = name + "([";
      for (size_t i = 0; i < items.size(); ++i) {
        charge_step();
        if (i) s += ", ";
        s += "(" + in.repr(items[i].first) + ", " + in.repr(items[i].second) + ")";
      }
      return s + "])";
    }
    default: {
      // Counter.__repr__: repr(dict(self.most_common())), or of dict(self)
      // when the counts do not sort; no guard against itself, as in CPython
      // (each level makes a new dict), so a Counter inside itself is
      // RecursionError -- raised here, at the same message as CPython's.
      if (d->entries.empty()) return name + "()";
      if (g_native_depth + 3 > kMaxNativeDepth) native_recursion_overflow(" while calling a Python object");
      NativeRecursion depth(" while calling a Python object");
      std::vector<std::pair<Value, Value>> items;
      try {
        items = counter_sorted(in, d);
      } catch (PyException& e) {
        if (!in.exc_matches(e.exc, Value(in.builtins().TypeError))) throw;
        items = d->entries;
      }
      std::string s = name + "({";
      for (size_t i = 0; i < items.size(); ++i) {
        charge_step();
        if (i) s += ", ";
        s += in.repr(items[i].first) + ": " + in.repr(items[i].second);
      }
      return s + "})";
    }
  }
}

std::string Interp::repr(const Value& v) {
  if (!v.is_obj()) return repr_value(v);
  NativeRecursion depth(" while getting the repr of an object");
  if (v.is(ObjKind::Dict) && v.as<DictObj>()->flavor != DictObj::Flavor::Plain) return collections_dict_repr(*this, v);
  if (v.is(ObjKind::Tuple) && v.as<TupleObj>()->named) return namedtuple_repr(*this, v);  // a Python __repr__: no guard
  if (v.is(ObjKind::List) || v.is(ObjKind::Dict) || v.is(ObjKind::Tuple) || v.is(ObjKind::Deque)) {
    ReprGuard guard(v.obj());
    if (guard.recursive) return v.is(ObjKind::List) || v.is(ObjKind::Deque) ? "[...]" : v.is(ObjKind::Dict) ? "{...}" : "(...)";
    return repr_value(v);
  }
  if (v.is(ObjKind::Future) || v.is(ObjKind::Task)) {  // reprlib.recursive_repr on Future.__repr__
    ReprGuard guard(v.obj());
    if (guard.recursive) return "...";
    return repr_value(v);
  }
  return repr_value(v);
}

std::string Interp::repr_value(const Value& v) {
  switch (v.kind()) {
    case VKind::Unbound:
    case VKind::None: return "None";
    case VKind::Bool: return v.as_bool() ? "True" : "False";
    case VKind::Int: return pyfmt::int_str(v.as_int());
    case VKind::Float: return pyfmt::float_repr(v.as_float());
    case VKind::Obj: break;
  }
  if (v.is(ObjKind::Instance) || v.is(ObjKind::Exception))
    if (const FunctionObj* f = user_method_of(v, "__repr__")) return dunder_text(*this, v, f, "__repr__");
  return base_repr(v);
}

// The builtin types' repr: object.__repr__ and BaseException.__repr__ for
// scenario classes, whatever they override.
std::string Interp::base_repr(const Value& v) {
  if (!v.is_obj()) return repr_value(v);
  Object* o = v.obj();
  switch (o->okind) {
    case ObjKind::Str: return pyfmt::str_repr(str_of(v));
    case ObjKind::Bytes: return bytes_repr(bytes_of(v));
    case ObjKind::BigInt: return bigint_decimal(*this, v.as<BigIntObj>()->v);
    case ObjKind::List: return "[" + join_reprs(*this, v.as<ListObj>()->items) + "]";
    case ObjKind::Set: {
      auto* so = v.as<SetObj>();
      std::vector<Value> items = pyset::items(so);
      if (items.empty()) return so->frozen ? "frozenset()" : "set()";
      std::string body = "{" + join_reprs(*this, items) + "}";
      return so->frozen ? "frozenset(" + body + ")" : body;
    }
    case ObjKind::DictView: {
      auto* view = v.as<DictViewObj>();
      return std::string(view->type_name()) + "(" + repr(make_list(to_vector(v))) + ")";
    }
    case ObjKind::Deque: {
      const auto& d = v.as<DequeObj>()->items;
      const int64_t maxlen = v.as<DequeObj>()->maxlen;
      return "deque([" + join_reprs(*this, std::vector<Value>(d.begin(), d.end())) + "]" +
             (maxlen >= 0 ? ", maxlen=" + std::to_string(maxlen) : "") + ")";
    }
    case ObjKind::Tuple: {
      const auto& items = v.as<TupleObj>()->items;
      return "(" + join_reprs(*this, items) + (items.size() == 1 ? ",)" : ")");
    }
    case ObjKind::Dict: {
      std::string s = "{";
      bool first = true;
      for (auto& [k, val] : v.as<DictObj>()->entries) {
        charge_step();
        if (!first) s += ", ";
        first = false;
        s += repr(k) + ": " + repr(val);
      }
      return s + "}";
    }
    case ObjKind::Range: {
      auto* r = v.as<RangeObj>();
      return "range(" + std::to_string(r->start) + ", " + std::to_string(r->stop) +
             (r->step != 1 ? ", " + std::to_string(r->step) : "") + ")";
    }
    case ObjKind::Type: {
      auto* t = v.as<TypeObj>();
      return "<class '" + (t->module == "builtins" ? t->name : t->module + "." + t->name) + "'>";
    }
    case ObjKind::Exception: {
      auto* e = v.as<ExcObj>();
      if (e->type->is_subclass_of(builtins_->BaseExceptionGroup) && e->args.size() == 2) {
        const auto& excs = e->args[1].as<TupleObj>()->items;
        if (e->group_from_tuple) return e->type->name + "(" + repr(e->args[0]) + ", " + repr(e->args[1]) + ")";
        return e->type->name + "(" + repr(e->args[0]) + ", [" + join_reprs(*this, excs) + "])";
      }
      return e->type->name + "(" + join_reprs(*this, e->args) + ")";
    }
    case ObjKind::Builtin: {
      auto* b = v.as<BuiltinObj>();
      // A method of a builtin value (s.discard) carries (receiver, name): name the receiver.
      if (b->self.is(ObjKind::Tuple) && b->self.as<TupleObj>()->items.size() == 2) {
        const auto& packed = b->self.as<TupleObj>()->items;
        if (packed[1].is(ObjKind::Str) && str_of(packed[1]) == b->name && packed[0].is_obj())
          return "<built-in method " + std::string(b->name) + " of " + type_of(packed[0])->name + " object at " +
                 fake_address(packed[0].obj()) + ">";
      }
      if (!b->self.is_none()) return "<built-in method " + std::string(b->name) + " of " + type_of(b->self)->name + " object at " + fake_address(b->self.obj()) + ">";
      return "<built-in function " + std::string(b->name) + ">";
    }
    case ObjKind::Function: return "<function " + function_qualname(*v.as<FunctionObj>()) + " at " + fake_address(o) + ">";
    case ObjKind::BoundMethod: {
      auto* m = v.as<BoundMethodObj>();
      if (m->func.is(ObjKind::Function))
        return "<bound method " + function_qualname(*m->func.as<FunctionObj>()) + " of " + repr(m->self) + ">";
      // A classmethod bound to its class names the class (namedtuple's _make).
      const std::string& owner = m->self.is(ObjKind::Type) ? m->self.as<TypeObj>()->name : type_of(m->self)->name;
      return "<bound method " + owner + "." + std::string(m->func.as<BuiltinObj>()->name) + " of " + repr(m->self) + ">";
    }
    case ObjKind::Coroutine: {
      const CodeObject* code = v.as<CoroObj>()->frame.code;
      return std::string(code->is_async_gen ? "<async_generator object " : code->is_generator ? "<generator object " : "<coroutine object ") +
             coro_qualname(*v.as<CoroObj>()) + " at " + fake_address(o) + ">";
    }
    case ObjKind::Anext: return "<" + type_of(v)->name + " object at " + fake_address(o) + ">";
    case ObjKind::Task: return task_repr(*this, v.as<TaskObj>());
    case ObjKind::Future: {
      auto* f = v.as<FutureObj>();
      std::string s = "<Future " + future_state_text(f);
      if (f->state == FutureObj::State::Finished)
        s += !f->exception.is_none() ? " exception=" + repr(f->exception) : " result=" + repr(f->result);
      return s + callbacks_repr(*this, *f) + ">";
    }
    case ObjKind::Module: return "<module '" + v.as<ModuleObj>()->name + "'>";
    case ObjKind::Instance: {
      if (v.same(not_implemented())) return "NotImplemented";
      auto* i = v.as<InstanceObj>();
      if (const Value* r = i->type->find_attr("__repr__"); r && r->is(ObjKind::Builtin)) {  // functools.partial
        CallArgs none;
        return str_of(r->as<BuiltinObj>()->fn(*this, v, none));
      }
      // object_repr: the module is left out for builtins (`<object object at 0x...>`).
      const std::string& module = i->type->module;
      return "<" + (module == "builtins" ? "" : module + ".") + i->type->name + " object at " + fake_address(o) + ">";
    }
    case ObjKind::Iterator:
      if (v.as<IteratorObj>()->ikind == IteratorObj::Kind::Gen)
        return "<generator object " + v.as<IteratorObj>()->gen_code->qualname + " at " + fake_address(o) + ">";
      if (v.as<IteratorObj>()->ikind == IteratorObj::Kind::Map || v.as<IteratorObj>()->ikind == IteratorObj::Kind::Filter ||
          v.as<IteratorObj>()->ikind == IteratorObj::Kind::Zip)
        return "<" + type_of(v)->name + " object at " + fake_address(o) + ">";
      if (v.as<IteratorObj>()->ikind == IteratorObj::Kind::Native) return v.as<IteratorObj>()->native->repr(*this, o);
      return "<iterator object at " + fake_address(o) + ">";
    case ObjKind::Handle: return handle_repr(*this, v);
    case ObjKind::Loop: return loop_repr(v.as<LoopObj>());
    case ObjKind::Misc: return "<object at " + fake_address(o) + ">";
  }
  return "<object>";
}

// repr() or str() of an instance: its class's __repr__ / __str__ when it
// has one (the asyncio prelude's Lock, Queue, ... port CPython's), else
// object's (str falls back to __repr__, as object.__str__ does).
// `a < b` with no order between their types: CPython's TypeError.
std::string Interp::str(const Value& v) {
  if (v.is(ObjKind::Str)) return str_of(v);
  if (v.is(ObjKind::Instance) || v.is(ObjKind::Exception))
    if (const FunctionObj* f = user_method_of(v, "__str__")) return dunder_text(*this, v, f, "__str__");
  return base_str(v);
}

// str() as the builtin types define it (BaseException.__str__, object.__str__).
std::string Interp::base_str(const Value& v) {
  if (v.is(ObjKind::Str)) return str_of(v);
  if (v.is(ObjKind::Exception)) {
    NativeRecursion depth(" while getting the str of an object");
    auto* e = v.as<ExcObj>();
    if (e->type->is_subclass_of(builtins_->BaseExceptionGroup) && e->args.size() == 2) {
      size_t n = e->args[1].as<TupleObj>()->items.size();
      return str(e->args[0]) + " (" + std::to_string(n) + " sub-exception" + (n == 1 ? "" : "s") + ")";
    }
    if (std::string os_text; os_error_str(*this, v, os_text)) return os_text;
    if (e->args.empty()) return "";
    std::string unicode_error;
    if (e->args.size() == 5 && unicode_error_str(*this, v, unicode_error)) return unicode_error;
    if (e->args.size() == 1) {
      if (e->type->is_subclass_of(builtins_->KeyError)) return repr(e->args[0]);
      return str(e->args[0]);
    }
    return repr(make_tuple(e->args));
  }
  return repr(v);
}

std::string Interp::format(const Value& v, std::string_view spec) {
  if (v.is_bigint()) return format_bigint(*this, v.as<BigIntObj>()->v, spec);
  try {
    if (v.is_bool()) return pyfmt::format_bool(v.as_bool(), spec);
    if (v.is_int()) return pyfmt::format_int(v.as_int(), spec);
    if (v.is_float()) return pyfmt::format_float(v.as_float(), spec);
    if (v.is(ObjKind::Str)) return pyfmt::format_str(str_of(v), spec);
  } catch (const pyfmt::FormatError& e) {
    raise(builtins_->ValueError, e.what());
  }
  if (may_have_dunders(v)) {
    std::string out;
    if (user_format(*this, v, spec, out)) return out;
  }
  // object.__format__: only the empty spec is allowed.
  if (!spec.empty())
    raise(builtins_->TypeError, "unsupported format string passed to " + type_of(v)->name + ".__format__");
  return str(v);
}

}  // namespace corun
