// The program's own definitions made values, once per run: exception
// classes (in order, a base before its subclasses), functions and
// coroutines, classes with their methods; then defaults evaluated at
// definition time and decorators applied, as Python executes the `def`s and
// `class`es that `corun export` writes. The prelude's public definitions
// join the `asyncio` module, its context managers `contextlib`.
// Instances get their class's fields here too (init_fields).
#include "engine/vm/definitions.h"

#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "engine/asyncio/asyncio_module.h"
#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/python/contextlib.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// @decorators, applied bottom-up once the definition exists, as Python
// does -- in the order `corun export` writes the definitions (functions,
// then classes, then coroutines), so that their side effects come in
// Python's order. The name is bound to what the outermost one returns.
Value decorated(Interp& in, const CodeObject* code, Value fn, Frame& scope) {
  std::vector<Value> decorators;
  for (const Expr* d : code->decorators) decorators.push_back(in.eval(*d, scope));
  for (auto it = decorators.rbegin(); it != decorators.rend(); ++it) fn = in.call0(*it, {std::move(fn)});
  return fn;
}

void apply_decorators(Interp& in, const Program& p, std::vector<Value>& globals, Frame& scope) {
  for (bool coroutines : {false, true}) {
    for (auto& def : p.functions)
      if (def.code->is_coroutine == coroutines && !def.code->decorators.empty())
        globals[size_t(def.global)] = decorated(in, def.code, globals[size_t(def.global)], scope);
    if (coroutines) continue;
    for (auto& def : p.class_defs) {
      auto* t = globals[size_t(def.global)].as<TypeObj>();
      for (size_t i = 0; i < def.methods.size(); ++i)
        if (!def.methods[i].second->decorators.empty())
          t->class_attrs[i].second = decorated(in, def.methods[i].second, t->class_attrs[i].second, scope);
    }
  }
}

}  // namespace

void instantiate_globals(Interp& in, const Program& p, std::vector<Value>& globals) {
  globals.assign(p.globals.size(), Value());
  for (size_t i = 0; i < p.globals.size(); ++i) if (p.globals[i].variable) globals[i] = Value::unbound();
  Frame module_frame(p.module);
  // A base class named by a global: the last global of that name that is
  // already a type (a hidden prelude one included). Indexed by name, so
  // thousands of definitions load in linear time.
  std::unordered_map<std::string_view, std::vector<size_t>> globals_named;
  for (size_t i = 0; i < p.globals.size(); ++i) globals_named[p.globals[i].name].push_back(i);
  auto type_global = [&](const std::string& name, TypeObj* fallback) {
    auto it = globals_named.find(name);
    if (it != globals_named.end())
      for (size_t i : it->second)
        if (globals[i].is(ObjKind::Type)) fallback = globals[i].as<TypeObj>();
    return fallback;
  };
  // Exceptions first (in order: a base may be defined before its subclass).
  for (auto& def : p.exception_defs) {
    TypeObj* base = nullptr;
    int bi = builtin_index(def.base);
    if (bi >= 0 && in.builtins().values[size_t(bi)].is(ObjKind::Type)) base = in.builtins().values[size_t(bi)].as<TypeObj>();
    base = type_global(def.base, base);
    if (!base) in.raise(in.builtins().NameError, "name '" + def.base + "' is not defined");
    auto* t = new TypeObj(p.globals[size_t(def.global)].name, "__main__", base, TypeKind::Exception);
    t->ctor = base->ctor;
    globals[size_t(def.global)] = Value(t);
    t->keep_base_alive();
  }
  for (auto& def : p.functions) globals[size_t(def.global)] = Value(new FunctionObj(def.code));
  for (auto& def : p.class_defs) {
    TypeObj* base = in.builtins().object;
    if (!def.base.empty()) {
      // A scenario class, or a builtin exception class (an exception class with behaviour).
      int bi = builtin_index(def.base);
      if (bi >= 0 && in.builtins().values[size_t(bi)].is(ObjKind::Type)) base = in.builtins().values[size_t(bi)].as<TypeObj>();
      base = type_global(def.base, base);
    }
    const bool internal = p.globals[size_t(def.global)].hidden;
    const std::string& name = p.globals[size_t(def.global)].name;
    const bool exception = base->is_subclass_of(in.builtins().BaseException);
    auto* t = new TypeObj(name, internal ? prelude_class_module(name) : "__main__", base,
                          exception ? TypeKind::Exception : TypeKind::UserClass);
    if (exception) t->ctor = construct_user_exception;
    if (base != in.builtins().object) t->keep_base_alive();
    for (auto& [name, code] : def.methods) t->class_attrs.emplace_back(name, Value(new FunctionObj(code)));
    globals[size_t(def.global)] = Value(t);
  }
  // Defaults are evaluated once, at definition time, as in Python.
  Frame prelude_frame(p.prelude_module ? p.prelude_module : p.module);
  for (auto& def : p.functions) {
    auto* fn = globals[size_t(def.global)].as<FunctionObj>();
    Frame& scope = def.code->internal ? prelude_frame : module_frame;
    for (const Expr* d : def.code->param_defaults)
      fn->defaults.push_back(d ? in.eval(*d, scope) : Value::unbound());
  }
  for (auto& def : p.class_defs) {
    auto* t = globals[size_t(def.global)].as<TypeObj>();
    Frame& scope = p.globals[size_t(def.global)].hidden ? prelude_frame : module_frame;
    // class_attrs starts with the methods, in definition order.
    for (size_t i = 0; i < def.methods.size(); ++i) {
      auto* fn = t->class_attrs[i].second.as<FunctionObj>();
      for (const Expr* d : def.methods[i].second->param_defaults)
        fn->defaults.push_back(d ? in.eval(*d, scope) : Value::unbound());
    }
    t->field_exprs = def.fields;
    t->field_scope = scope.code;
    for (auto& [name, expr] : def.attributes) t->class_attrs.emplace_back(name, in.eval(*expr, scope));
  }
  apply_decorators(in, p, globals, module_frame);
  // The prelude's public definitions are the rest of the `asyncio` module.
  ModuleObj* asyncio = in.builtins().values[size_t(builtin_index("asyncio"))].as<ModuleObj>();
  for (auto& [name, index] : p.asyncio_exports) asyncio->attrs.emplace_back(name, globals[size_t(index)]);
  add_contextlib_classes(*in.builtins().values[size_t(builtin_index("contextlib"))].as<ModuleObj>(), p, globals);
}

namespace {

// TypeObj::field_layout and field_inits: base classes' fields first, then
// the class's own; a field a subclass declares again keeps its base's
// position and is evaluated twice, the base's expression first.
void build_field_layout(TypeObj* type) {
  std::vector<const TypeObj*> chain;
  for (const TypeObj* t = type; t && t->tkind == TypeKind::UserClass; t = t->base) chain.push_back(t);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (auto& [name, expr] : (*it)->field_exprs) {
      size_t index = 0;
      while (index < type->field_layout.size() && *type->field_layout[index] != name) ++index;
      if (index == type->field_layout.size()) type->field_layout.push_back(&name);
      type->field_inits.push_back(TypeObj::FieldInit{uint32_t(index), expr, *it});
    }
  }
  type->layout_ready = true;
}

}  // namespace

void init_fields(Interp& in, InstanceObj* inst) {
  TypeObj* type = inst->type;
  if (!type->layout_ready) build_field_layout(type);
  if (type->field_inits.empty()) return;
  // Every field is there (None) before the first expression runs; each
  // class's expressions run in a frame of the module that declares it.
  inst->fields.reserve(type->field_layout.size());
  for (const std::string* name : type->field_layout) inst->fields.emplace_back(name, Value());
  const TypeObj* owner = nullptr;
  std::optional<Frame> scope;
  for (const TypeObj::FieldInit& fi : type->field_inits) {
    if (fi.owner != owner) {
      owner = fi.owner;
      scope.reset();
      scope.emplace(owner->field_scope);
    }
    inst->fields[fi.index].second = in.eval(*fi.expr, *scope);
  }
}

const std::string* intern_field_name(std::string_view name) {
  static std::mutex mutex;
  static auto* names = new std::unordered_set<std::string>();  // never freed: instances point into it
  std::lock_guard<std::mutex> lock(mutex);
  return &*names->emplace(name).first;
}

}  // namespace corun
