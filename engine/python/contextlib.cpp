// The `contextlib` module: its classes are ports of Lib/contextlib.py in
// corun's asyncio prelude (engine/asyncio/prelude/contextlib.yaml, named _cl_X there);
// the two decorators are native, because they pass the call's keyword
// arguments on, which the scenario language's *args cannot.
#include "engine/python/builtins.h"
#include "engine/python/contextlib.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// helper(*args, **kwds) of contextmanager(func): `_GeneratorContextManager(func, args, kwds)`,
// whose __init__ calls func(*args, **kwds) at once.
Value call_cm_helper(Interp& in, const Value& self, CallArgs& a) {
  const auto& bound = self.as<TupleObj>()->items;  // (the class, func)
  Value gen = in.call(bound[1], a);
  return in.call0(bound[0], {std::move(gen)});
}

Value make_cm_decorator(Interp& in, CallArgs& a, const char* decorator, const char* cm_class) {
  if (a.npos != 1 || a.nkw)
    in.raise(in.builtins().TypeError, std::string(decorator) + "() takes 1 positional argument but " + std::to_string(a.npos) +
                                          " were given");
  const Value& func = a.pos[0];
  // functools.wraps: the helper is named after the function it wraps.
  const char* name = func.is(ObjKind::Function) ? func.as<FunctionObj>()->code->name.c_str() : "helper";
  Ref<BuiltinObj> helper(new BuiltinObj(name, call_cm_helper, make_tuple({in.prelude_function(cm_class), func})));
  helper->binds = true;  // a def in CPython: a method when it is a class attribute
  return Value(helper);
}

Value cl_contextmanager(Interp& in, const Value&, CallArgs& a) {
  return make_cm_decorator(in, a, "contextmanager", "_cl__GeneratorContextManager");
}

Value cl_asynccontextmanager(Interp& in, const Value&, CallArgs& a) {
  return make_cm_decorator(in, a, "asynccontextmanager", "_cl__AsyncGeneratorContextManager");
}

}  // namespace

Value make_contextlib_module(Interp&, Builtins&) {
  Ref<ModuleObj> m(new ModuleObj("contextlib"));
  m->attrs.emplace_back("contextmanager", Value(new BuiltinObj("contextmanager", cl_contextmanager)));
  m->attrs.emplace_back("asynccontextmanager", Value(new BuiltinObj("asynccontextmanager", cl_asynccontextmanager)));
  return Value(m);
}

// A prelude definition that is one of contextlib's classes (`_cl_ExitStack`):
// its name in the module, else empty.
std::string_view contextlib_export_name(const GlobalDef& g) {
  static constexpr std::string_view kPrefix = "_cl_";
  if (!g.hidden || g.name.compare(0, kPrefix.size(), kPrefix) != 0) return {};
  return std::string_view(g.name).substr(kPrefix.size());
}

// The prelude's contextlib classes join the module, under their own names.
void add_contextlib_classes(ModuleObj& contextlib, const Program& p, const std::vector<Value>& globals) {
  for (size_t i = 0; i < p.globals.size(); ++i) {
    std::string_view name = contextlib_export_name(p.globals[i]);
    if (name.empty()) continue;
    const Value& v = globals[i];
    if (v.is(ObjKind::Type)) {
      v.as<TypeObj>()->name = std::string(name);
      v.as<TypeObj>()->module = "contextlib";
    }
    contextlib.attrs.emplace_back(std::string(name), v);
  }
}

}  // namespace corun
