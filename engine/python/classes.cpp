// Classes with behaviour. A scenario's class is a TypeObj whose class_attrs
// hold its methods; the builtins that call a dunder in Python (str, repr,
// ==, <, hash, len, bool, in, [], for, calls) ask user_method() whether the
// value's class defines it, and call it synchronously. Exception classes
// with methods are TypeObjs deriving from a builtin exception: their
// instances stay ExcObjs (so raise, except and tracebacks need nothing new),
// their fields and attributes live in the exception's attribute dict.
#include "engine/python/classes.h"

#include <iterator>

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

bool is_sync_dunder(std::string_view m) {
  static constexpr std::string_view kSync[] = {
      "__init__", "__str__", "__repr__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
      "__hash__", "__len__", "__bool__", "__contains__", "__getitem__", "__setitem__", "__delitem__", "__iter__", "__next__",
      "__enter__", "__exit__", "__format__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
      "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__"};
  for (auto s : kSync) if (s == m) return true;
  return false;
}

const FunctionObj* user_method(const TypeObj* t, std::string_view name) {
  for (; t; t = t->base)
    for (auto& [k, v] : t->class_attrs)
      if (k == name) return v.is(ObjKind::Function) ? v.as<FunctionObj>() : nullptr;
  return nullptr;
}

const FunctionObj* user_method_of(const Value& v, std::string_view name) {
  if (v.is(ObjKind::Instance)) return user_method(v.as<InstanceObj>()->type, name);
  if (v.is(ObjKind::Exception)) {
    const TypeObj* t = v.as<ExcObj>()->type;
    return t->tkind == TypeKind::Builtin || t->module == "builtins" ? nullptr : user_method(t, name);
  }
  return nullptr;
}

bool has_user_dunder(const Value& a, std::string_view name) { return user_method_of(a, name) != nullptr; }

Value call_dunder(Interp& in, const Value& v, const FunctionObj* fn, std::vector<Value> args) {
  CallArgs a;
  a.pos = args.data();
  a.npos = args.size();
  if (fn->code->is_coroutine) return in.make_coroutine(fn, a, nullptr, v);
  return in.call_function(fn, a, nullptr, v);
}

const Value& not_implemented() {
  // Immortal, as CPython's singletons: never freed, shared by every run.
  static const Value* singleton = [] {
    auto* t = new TypeObj("NotImplementedType", "builtins", nullptr, TypeKind::Builtin);
    incref(t);
    return new Value(new InstanceObj(t));
  }();
  return *singleton;
}

bool user_equal(Interp& in, const Value& a, const Value& b) {
  if (const FunctionObj* f = user_method_of(a, "__eq__")) {
    Value r = call_dunder(in, a, f, {b});
    if (!r.same(not_implemented())) return in.truthy(r);
  }
  if (const FunctionObj* f = user_method_of(b, "__eq__")) {
    Value r = call_dunder(in, b, f, {a});
    if (!r.same(not_implemented())) return in.truthy(r);
  }
  return a.same(b);
}

namespace {

// The dunder for `a OP b`, and the one tried on b when a's says NotImplemented.
std::pair<const char*, const char*> cmp_dunders(CmpOp op) {
  switch (op) {
    case CmpOp::Lt: return {"__lt__", "__gt__"};
    case CmpOp::Le: return {"__le__", "__ge__"};
    case CmpOp::Gt: return {"__gt__", "__lt__"};
    case CmpOp::Ge: return {"__ge__", "__le__"};
    default: return {"__ne__", "__ne__"};
  }
}

}  // namespace

bool user_compare(Interp& in, int op_int, const Value& a, const Value& b, bool& handled) {
  CmpOp op = CmpOp(op_int);
  auto [mine, theirs] = cmp_dunders(op);
  const FunctionObj* fa = user_method_of(a, mine);
  const FunctionObj* fb = user_method_of(b, theirs);
  handled = fa || fb;
  if (!handled) return false;
  if (fa) {
    Value r = call_dunder(in, a, fa, {b});
    if (!r.same(not_implemented())) return in.truthy(r);
  }
  if (fb) {
    Value r = call_dunder(in, b, fb, {a});
    if (!r.same(not_implemented())) return in.truthy(r);
  }
  if (op == CmpOp::Ne) return !user_equal(in, a, b);  // object.__ne__ inverts __eq__
  in.raise_unorderable(op, a, b);
}

bool user_binary(Interp& in, int op, const Value& a, const Value& b, Value& out) {
  static constexpr const char* kNames[][2] = {
      {"__add__", "__radd__"}, {"__sub__", "__rsub__"}, {"__mul__", "__rmul__"}, {"__truediv__", "__rtruediv__"},
      {"__floordiv__", "__rfloordiv__"}, {"__mod__", "__rmod__"}, {"__pow__", "__rpow__"}};
  if (op < 0 || op >= int(std::size(kNames))) return false;
  if (const FunctionObj* f = user_method_of(a, kNames[op][0])) {
    out = call_dunder(in, a, f, {b});
    if (!out.same(not_implemented())) return true;
  }
  if (const FunctionObj* f = user_method_of(b, kNames[op][1])) {
    out = call_dunder(in, b, f, {a});
    if (!out.same(not_implemented())) return true;
  }
  return false;
}

bool user_format(Interp& in, const Value& v, std::string_view spec, std::string& out) {
  const FunctionObj* f = user_method_of(v, "__format__");
  if (!f) return false;
  Value r = call_dunder(in, v, f, {make_str(std::string(spec))});
  if (!r.is(ObjKind::Str)) in.raise(in.builtins().TypeError, "__format__ must return a str, not " + in.type_of(r)->name);
  out = str_of(r);
  return true;
}

size_t user_hash(Interp& in, const Value& v) {
  const TypeObj* t = in.type_of(v);
  // The nearest class that defines __eq__ or __hash__ decides: one that
  // defines __eq__ alone has __hash__ = None.
  for (const TypeObj* c = t; c; c = c->base) {
    const Value* eq = nullptr;
    const Value* hash = nullptr;
    for (auto& [k, fn] : c->class_attrs) {
      if (k == "__eq__") eq = &fn;
      if (k == "__hash__") hash = &fn;
    }
    if (hash && hash->is(ObjKind::Function)) {
      Value r = call_dunder(in, v, hash->as<FunctionObj>(), {});
      if (!r.is_integer()) in.raise(in.builtins().TypeError, "__hash__ method should return an integer");
      return value_hash(r);
    }
    if (eq) in.raise(in.builtins().TypeError, "unhashable type: '" + t->name + "'");
  }
  return std::hash<const void*>()(v.obj());
}

// ---- exception classes -----------------------------------------------------------------

namespace {

// Fields of every class in the chain, base classes' first, into the
// exception's attribute dict (the instance __dict__ CPython gives them).
void init_exception_fields(Interp& in, ExcObj* e) {
  std::vector<const TypeObj*> chain;
  for (const TypeObj* t = e->type; t; t = t->base) chain.push_back(t);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if ((*it)->field_exprs.empty()) continue;
    Frame scope((*it)->field_scope);
    for (auto& [name, expr] : (*it)->field_exprs) in.set_attr(Value(e), name, in.eval(*expr, scope));
  }
}

Builtin builtin_exception_ctor(const TypeObj* t) {
  while (t && t->ctor == construct_user_exception) t = t->base;
  return t ? t->ctor : nullptr;
}

}  // namespace

Value construct_user_exception(Interp& in, const Value& type, CallArgs& args) {
  TypeObj* t = type.as<TypeObj>();
  const FunctionObj* init = user_method(t, "__init__");
  Value exc;
  if (init && !t->is_subclass_of(in.builtins().BaseExceptionGroup)) {
    // BaseException.__new__ keeps the positional arguments; __init__ gets all.
    exc = in.make_exception_args(t, std::vector<Value>(args.pos, args.pos + args.npos));
  } else {
    CallArgs positional = args;
    if (init) positional.nkw = 0;  // BaseExceptionGroup.__new__ ignores keywords too
    exc = builtin_exception_ctor(t)(in, type, positional);
  }
  init_exception_fields(in, exc.as<ExcObj>());
  if (init) in.call_function(init, args, nullptr, exc);
  return exc;
}

// ---- super() ---------------------------------------------------------------------------

namespace {

// BaseException.__init__(self, *args): args replaced, no keywords.
Value base_exception_init(Interp& in, const Value& self, CallArgs& a) {
  ExcObj* e = self.as<ExcObj>();
  if (a.nkw) in.raise(in.builtins().TypeError, e->type->name + "() takes no keyword arguments");
  if (!e->type->is_subclass_of(in.builtins().BaseExceptionGroup)) e->args.assign(a.pos, a.pos + a.npos);
  return Value();
}

Value object_init(Interp& in, const Value&, CallArgs& a) {
  if (a.npos || a.nkw) in.raise(in.builtins().TypeError, "object.__init__() takes exactly one argument (the instance to initialize)");
  return Value();
}

// The builtin implementation of `name` that a scenario class inherits from
// the builtin type `t` (BaseException's or object's), bound to self.
Value builtin_base_attr(Interp& in, const TypeObj* t, const Value& self, std::string_view name) {
  bool exception = t->is_subclass_of(in.builtins().BaseException);
  auto bound = [&](const char* n, Builtin fn) { return Value(new BuiltinObj(n, fn, self)); };
  if (name == "__init__") return exception ? bound("__init__", base_exception_init) : bound("__init__", object_init);
  if (name == "__str__")
    return bound("__str__", [](Interp& in, const Value& s, CallArgs&) { return make_str(in.base_str(s)); });
  if (name == "__repr__")
    return bound("__repr__", [](Interp& in, const Value& s, CallArgs&) { return make_str(in.base_repr(s)); });
  if (name == "__eq__")
    return bound("__eq__", [](Interp&, const Value& s, CallArgs& a) {
      return a.npos == 1 && a.pos[0].same(s) ? Value::boolean(true) : not_implemented();
    });
  if (name == "__ne__")
    return bound("__ne__", [](Interp&, const Value& s, CallArgs& a) {
      return a.npos == 1 && a.pos[0].same(s) ? Value::boolean(false) : not_implemented();
    });
  if (name == "__hash__")
    return bound("__hash__", [](Interp&, const Value& s, CallArgs&) {
      return Value::integer(int64_t(std::hash<const void*>()(s.obj()) >> 4));
    });
  return Value::unbound();
}

// super(cls, obj).name: the attribute the classes after `cls` in the MRO of
// type(obj) define (single inheritance: the chain of bases), bound to obj.
Value h_super_attr(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 3) in.raise(in.builtins().TypeError, "_super_attr(cls, obj, name)");
  const std::string& name = str_of(a.pos[2]);
  if (a.pos[0].is_none()) in.raise(in.builtins().RuntimeError, a.pos[1].is_none() ? "super(): no arguments" : "super(): __class__ cell not found");
  if (!a.pos[0].is(ObjKind::Type)) in.raise(in.builtins().TypeError, "super() argument 1 must be a type, not " + in.type_of(a.pos[0])->name);
  const TypeObj* cls = a.pos[0].as<TypeObj>();
  const Value& obj = a.pos[1];
  const TypeObj* t = in.type_of(obj);
  if (!t->is_subclass_of(cls)) in.raise(in.builtins().TypeError, "super(type, obj): obj must be an instance or subtype of type");
  for (const TypeObj* c = cls->base; c; c = c->base) {
    for (auto& [k, v] : c->class_attrs)
      if (k == name) return v.is(ObjKind::Function) ? Value(new BoundMethodObj(obj, v)) : v;
    if (c->class_attrs.empty() && (c->module == "builtins" || c->tkind == TypeKind::Builtin)) {
      Value v = builtin_base_attr(in, c, obj, name);
      if (!v.is_unbound()) return v;
    }
  }
  in.raise(in.builtins().AttributeError, "'super' object has no attribute '" + name + "'");
}

}  // namespace

// ---- attributes of classes ---------------------------------------------------------------

bool type_attr(Interp& in, TypeObj* t, const std::string& name, Value& out) {
  TypeObj* object = in.builtins().object;
  if (name == "__mro__") {
    std::vector<Value> mro;
    for (TypeObj* c = t; c; c = c->base) mro.emplace_back(c);
    if (t != object && (mro.empty() || !mro.back().same(Value(object)))) mro.emplace_back(object);
    out = make_tuple(std::move(mro));
    return true;
  }
  if (name == "__bases__") {
    out = t == object ? make_tuple() : make_tuple({Value(t->base ? t->base : object)});
    return true;
  }
  if (name == "__base__") {
    out = t == object ? Value() : Value(t->base ? t->base : object);
    return true;
  }
  if (name == "__doc__" && t->module == "__main__") {
    out = Value();
    return true;
  }
  return false;
}

namespace {

// ---- with ------------------------------------------------------------------------------

// The context manager's method `name`, looked up on its class (as
// BEFORE_WITH does), or Unbound.
Value with_method(Interp& in, const Value& mgr, const char* name) {
  if (mgr.is(ObjKind::Instance)) {
    const Value* v = mgr.as<InstanceObj>()->type->find_attr(name);
    if (!v) return Value::unbound();
    return v->is(ObjKind::Function) ? Value(new BoundMethodObj(mgr, *v)) : *v;
  }
  try {
    return in.get_attr(mgr, name);
  } catch (PyException& e) {
    if (!in.exc_matches(e.exc, Value(in.builtins().AttributeError))) throw;
    return Value::unbound();
  }
}

// _with_exit(mgr): mgr's bound __exit__, after checking __enter__ exists too,
// with CPython 3.11's messages.
Value h_with_exit(Interp& in, const Value&, CallArgs& a) {
  const Value& mgr = a.pos[0];
  std::string what = "'" + in.type_of(mgr)->name + "' object does not support the context manager protocol";
  if (with_method(in, mgr, "__enter__").is_unbound()) in.raise(in.builtins().TypeError, what);
  Value exit = with_method(in, mgr, "__exit__");
  if (exit.is_unbound()) in.raise(in.builtins().TypeError, what + " (missed __exit__ method)");
  return exit;
}

Value h_with_enter(Interp& in, const Value&, CallArgs& a) {
  Value enter = with_method(in, a.pos[0], "__enter__");
  return in.call0(enter, {});
}

}  // namespace

void add_class_helpers(Interp& in, Builtins& b) {
  add_exception_helpers(in, b);
  auto fn = [&](const char* name, Builtin f) { b.values[size_t(builtin_index(name))] = Value(new BuiltinObj(name, f)); };
  fn("_super_attr", h_super_attr);
  fn("_with_exit", h_with_exit);
  fn("_with_enter", h_with_enter);
  b.values[size_t(builtin_index("NotImplemented"))] = not_implemented();
}

}  // namespace corun
