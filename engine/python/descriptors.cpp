#include "engine/python/descriptors.h"

#include "engine/python/builtins.h"
#include "engine/python/objects.h"
#include "engine/python/repr.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// Set when the types are made, for this run (as functools.partial's is).
TypeObj* g_property = nullptr;
TypeObj* g_staticmethod = nullptr;
TypeObj* g_classmethod = nullptr;

const std::string* field_name(int i) {
  static const std::string* const kNames[] = {intern_field_name("fget"), intern_field_name("fset"),
                                              intern_field_name("fdel"), intern_field_name("__doc__"),
                                              intern_field_name("__func__")};
  return kNames[i];
}
enum Field { kFget, kFset, kFdel, kDoc, kFunc };

bool is_a(const Value& v, const TypeObj* t) { return v.is(ObjKind::Instance) && v.as<InstanceObj>()->type == t; }

const Value& field(const Value& descr, Field f) {
  for (auto& [k, v] : descr.as<InstanceObj>()->fields)
    if (k == field_name(f)) return v;
  static const Value none;
  return none;
}

Value make_property(const Value& fget, const Value& fset, const Value& fdel, const Value& doc) {
  Ref<InstanceObj> p(new InstanceObj(g_property));
  p->fields.emplace_back(field_name(kFget), fget);
  p->fields.emplace_back(field_name(kFset), fset);
  p->fields.emplace_back(field_name(kFdel), fdel);
  p->fields.emplace_back(field_name(kDoc), doc);
  return Value(p);
}

// property(fget=None, fset=None, fdel=None, doc=None)
Value property_new(Interp& in, const Value&, CallArgs& a) {
  static const char* const kParams[] = {"fget", "fset", "fdel", "doc"};
  if (a.npos > 4)
    in.raise(in.builtins().TypeError, "property() takes at most 4 arguments (" + std::to_string(a.npos + a.nkw) + " given)");
  Value args[4];
  for (size_t i = 0; i < a.npos; ++i) args[i] = a.pos[i];
  for (size_t k = 0; k < a.nkw; ++k) {
    size_t i = 0;
    while (i < 4 && a.kwnames[k] != kParams[i]) ++i;
    if (i == 4) in.raise(in.builtins().TypeError, "property() got an unexpected keyword argument '" + a.kwnames[k] + "'");
    if (i < a.npos)
      in.raise(in.builtins().TypeError, "argument for property() given by name ('" + a.kwnames[k] + "') and position (" +
                                            std::to_string(i + 1) + ")");
    args[i] = a.kw[k];
  }
  return make_property(args[0], args[1], args[2], args[3]);
}

// staticmethod(f) / classmethod(f): exactly one positional argument.
Value wrapper_new(Interp& in, TypeObj* t, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, t->name + "() takes no keyword arguments");
  if (a.npos != 1) in.raise(in.builtins().TypeError, t->name + " expected 1 argument, got " + std::to_string(a.npos));
  Ref<InstanceObj> w(new InstanceObj(t));
  w->fields.emplace_back(field_name(kFunc), a.pos[0]);
  return Value(w);
}
Value staticmethod_new(Interp& in, const Value&, CallArgs& a) { return wrapper_new(in, g_staticmethod, a); }
Value classmethod_new(Interp& in, const Value&, CallArgs& a) { return wrapper_new(in, g_classmethod, a); }

// <staticmethod(<function C.s at 0x...>)>, <classmethod(...)>
Value wrapper_repr(Interp& in, const Value& self, CallArgs&) {
  return make_str("<" + self.as<InstanceObj>()->type->name + "(" + in.repr(field(self, kFunc)) + ")>");
}

Value property_repr(Interp&, const Value& self, CallArgs&) {
  return make_str("<property object at " + fake_address(self.obj()) + ">");
}

// A staticmethod is callable since Python 3.10: it calls its function.
Value staticmethod_call(Interp& in, const Value& self, CallArgs& a) { return in.call(field(self, kFunc), a, nullptr); }

// property.getter / setter / deleter(f): a copy with that one function replaced.
// A bound method (BuiltinObj::binds): the property comes first in `a`.
template <Field F>
Value property_with(Interp& in, const Value&, CallArgs& a) {
  if (a.npos == 0 || !a.pos[0].is(ObjKind::Instance)) in.raise(in.builtins().TypeError, "descriptor needs a property");
  const Value& self = a.pos[0];
  if (a.nkw || a.npos != 2) in.raise(in.builtins().TypeError, "expected 1 argument, got " + std::to_string(a.npos - 1 + a.nkw));
  Value fns[3] = {field(self, kFget), field(self, kFset), field(self, kFdel)};
  fns[F] = a.pos[1];
  return make_property(fns[0], fns[1], fns[2], field(self, kDoc));
}

[[noreturn]] void no_accessor(Interp& in, const Value& obj, const std::string& name, const char* what) {
  in.raise(in.builtins().AttributeError,
           "property '" + name + "' of '" + in.type_of(obj)->name + "' object has no " + what);
}

}  // namespace

void add_descriptor_types(Interp&, Builtins& b) {
  auto type = [&](const char* name, Builtin ctor) {
    auto* t = new TypeObj(name, "builtins", b.object, TypeKind::Builtin);
    b.owned.push_back(Value(t));
    t->ctor = ctor;
    b.values[size_t(builtin_index(name))] = Value(t);
    return t;
  };
  auto method = [](TypeObj* t, const char* name, Builtin f) { t->class_attrs.emplace_back(name, Value(new BuiltinObj(name, f))); };
  g_property = type("property", property_new);
  method(g_property, "__repr__", property_repr);
  // Bound to the property they are read from (BuiltinObj::binds).
  for (auto [name, f] : {std::pair<const char*, Builtin>{"getter", property_with<kFget>}, {"setter", property_with<kFset>},
                         {"deleter", property_with<kFdel>}}) {
    Ref<BuiltinObj> m(new BuiltinObj(name, f));
    m->binds = true;
    g_property->class_attrs.emplace_back(name, Value(m));
  }
  g_staticmethod = type("staticmethod", staticmethod_new);
  method(g_staticmethod, "__repr__", wrapper_repr);
  method(g_staticmethod, "__call__", staticmethod_call);
  g_classmethod = type("classmethod", classmethod_new);
  method(g_classmethod, "__repr__", wrapper_repr);
}

bool descriptor_get(Interp& in, const Value& attr, const Value& obj, TypeObj* owner, const std::string& name, Value& out) {
  if (!attr.is(ObjKind::Instance)) return false;
  const TypeObj* t = attr.as<InstanceObj>()->type;
  if (t == g_staticmethod) {
    out = field(attr, kFunc);
    return true;
  }
  if (t == g_classmethod) {
    out = Value(new BoundMethodObj(Value(owner), field(attr, kFunc)));
    return true;
  }
  if (t != g_property) return false;
  if (obj.is_unbound()) {  // read through the class: the property itself
    out = attr;
    return true;
  }
  const Value& fget = field(attr, kFget);
  if (fget.is_none()) no_accessor(in, obj, name, "getter");
  out = in.call0(fget, {obj});
  return true;
}

bool descriptor_set(Interp& in, const Value& attr, const Value& obj, const std::string& name, const Value& v) {
  if (!is_a(attr, g_property)) return false;
  const Value& fset = field(attr, kFset);
  if (fset.is_none()) no_accessor(in, obj, name, "setter");
  in.call0(fset, {obj, v});
  return true;
}

bool descriptor_delete(Interp& in, const Value& attr, const Value& obj, const std::string& name) {
  if (!is_a(attr, g_property)) return false;
  const Value& fdel = field(attr, kFdel);
  if (fdel.is_none()) no_accessor(in, obj, name, "deleter");
  in.call0(fdel, {obj});
  return true;
}

}  // namespace corun
