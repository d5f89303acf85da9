// The `functools` module, as Lib/functools.py and Modules/_functoolsmodule.c
// define it: partial, update_wrapper and wraps, reduce, lru_cache and cache.
//
// Their objects are instances of builtin classes made here (the class's
// C++ methods in its class_attrs, as CPython's C types have slots), so they
// take attributes as CPython's do: update_wrapper sets __name__, __doc__,
// __wrapped__ ... on a function (FunctionAttrs) or on an lru_cache wrapper
// (an instance field). What an lru_cache wrapper keeps for itself (the
// function, the cache, the counters) is a LruCache object in one field that
// __dict__ does not show.
#include "engine/python/functools_module.h"

#include <algorithm>

#include "engine/python/builtins.h"
#include "engine/python/repr.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// This run's classes, set when the module is made (one interpreter at a time).
struct Types {
  TypeObj *partial = nullptr, *lru_wrapper = nullptr, *cache_info = nullptr;
  Value kwd_mark;  // _make_key's separator of the keyword arguments: an object() nothing else equals
};
thread_local Types g_types;

// ---- partial ------------------------------------------------------------------------------

// Lib/functools.py's partial: func, args, keywords; a partial of a partial
// is flattened into one, as partial.__new__ does.
Value partial_new(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 1) in.raise(in.builtins().TypeError, "type 'partial' takes at least one argument");
  Value func = a.pos[0];
  std::vector<Value> args;
  Ref<DictObj> keywords(new DictObj());
  if (func.is(ObjKind::Instance) && func.as<InstanceObj>()->type == g_types.partial) {
    InstanceObj* inner = func.as<InstanceObj>();
    args = inner->find("args")->as<TupleObj>()->items;
    keywords->assign(*inner->find("keywords")->as<DictObj>());
    func = *inner->find("func");
  }
  if (!is_callable(in, func)) in.raise(in.builtins().TypeError, "the first argument must be callable");
  for (size_t i = 1; i < a.npos; ++i) args.push_back(a.pos[i]);
  for (size_t i = 0; i < a.nkw; ++i) keywords->set(make_str(a.kwnames[i]), a.kw[i]);
  Ref<InstanceObj> p(new InstanceObj(g_types.partial));
  static const std::string* const kNames[] = {intern_field_name("func"), intern_field_name("args"), intern_field_name("keywords")};
  p->fields.emplace_back(kNames[0], func);
  p->fields.emplace_back(kNames[1], make_tuple(std::move(args)));
  p->fields.emplace_back(kNames[2], Value(keywords));
  return Value(p);
}

// partial(*args, **keywords)(...): func(*args, *more, **{**keywords, **more_kw}).
Value partial_call(Interp& in, const Value& self, CallArgs& a) {
  InstanceObj* p = self.as<InstanceObj>();
  const auto& bound = p->find("args")->as<TupleObj>()->items;
  std::vector<Value> pos(bound);
  pos.insert(pos.end(), a.pos, a.pos + a.npos);
  std::vector<std::string> names;
  std::vector<Value> values;
  for (auto& [k, v] : p->find("keywords")->as<DictObj>()->entries) {
    names.push_back(str_of(k));
    values.push_back(v);
  }
  for (size_t i = 0; i < a.nkw; ++i) {
    auto at = std::find(names.begin(), names.end(), a.kwnames[i]);
    if (at != names.end()) values[size_t(at - names.begin())] = a.kw[i];
    else {
      names.push_back(a.kwnames[i]);
      values.push_back(a.kw[i]);
    }
  }
  CallArgs call;
  call.pos = pos.data();
  call.npos = pos.size();
  call.kwnames = names.data();
  call.kw = values.data();
  call.nkw = values.size();
  return in.call(*p->find("func"), call, nullptr);
}

// functools.partial(<built-in function print>, 'Future:', sep='-')
Value partial_repr(Interp& in, const Value& self, CallArgs&) {
  InstanceObj* p = self.as<InstanceObj>();
  std::string s = "functools.partial(" + in.repr(*p->find("func"));
  for (auto& v : p->find("args")->as<TupleObj>()->items) s += ", " + in.repr(v);
  for (auto& [k, v] : p->find("keywords")->as<DictObj>()->entries) s += ", " + str_of(k) + "=" + in.repr(v);
  return make_str(s + ")");
}


// ---- arguments of the functions Lib/functools.py writes in Python -------------------------

// Binds `a` to parameters `names` (the first `required` without defaults)
// as a Python def does, with its TypeErrors; a parameter not given is
// Unbound.
std::vector<Value> bind_params(Interp& in, const char* fn, CallArgs& a, std::initializer_list<const char*> names, size_t required) {
  std::vector<const char*> n(names);
  std::vector<Value> v(n.size(), Value::unbound());
  auto type_error = [&](const std::string& m) { in.raise(in.builtins().TypeError, std::string(fn) + "() " + m); };
  if (a.npos > n.size()) {
    std::string takes = required == n.size() ? std::to_string(n.size()) : "from " + std::to_string(required) + " to " + std::to_string(n.size());
    type_error("takes " + takes + " positional argument" + (n.size() == 1 ? "" : "s") + " but " + std::to_string(a.npos) +
               (a.npos == 1 ? " was" : " were") + " given");
  }
  for (size_t i = 0; i < a.npos; ++i) v[i] = a.pos[i];
  for (size_t k = 0; k < a.nkw; ++k) {
    size_t i = 0;
    while (i < n.size() && a.kwnames[k] != n[i]) ++i;
    if (i == n.size()) type_error("got an unexpected keyword argument '" + a.kwnames[k] + "'");
    if (!v[i].is_unbound()) type_error("got multiple values for argument '" + a.kwnames[k] + "'");
    v[i] = a.kw[k];
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < required; ++i)
    if (v[i].is_unbound()) missing.push_back(n[i]);
  if (!missing.empty()) in.raise(in.builtins().TypeError, missing_positional_message(fn, missing));
  return v;
}

// ---- update_wrapper and wraps -----------------------------------------------------------

Value wrapper_assignments() {
  return make_tuple({make_str("__module__"), make_str("__name__"), make_str("__qualname__"), make_str("__doc__"), make_str("__annotations__")});
}
Value wrapper_updates() { return make_tuple({make_str("__dict__")}); }

// update_wrapper(wrapper, wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES)
Value update_wrapper(Interp& in, const Value&, CallArgs& a) {
  std::vector<Value> p = bind_params(in, "update_wrapper", a, {"wrapper", "wrapped", "assigned", "updated"}, 2);
  const Value &wrapper = p[0], &wrapped = p[1];
  Value assigned = p[2].is_unbound() ? wrapper_assignments() : p[2];
  Value updated = p[3].is_unbound() ? wrapper_updates() : p[3];
  Value it = in.get_iter(assigned), attr;
  while (in.iter_next(it, attr)) {
    Value value;
    try {
      value = in.get_attr(wrapped, in.str(attr));  // getattr(wrapped, attr), whose name must be a str
    } catch (PyException& e) {
      if (!in.exc_matches(e.exc, Value(in.builtins().AttributeError))) throw;
      continue;
    }
    in.set_attr(wrapper, in.str(attr), std::move(value));
  }
  it = in.get_iter(updated);
  while (in.iter_next(it, attr)) {
    // getattr(wrapper, attr).update(getattr(wrapped, attr, {}))
    Value target = in.get_attr(wrapper, in.str(attr)), from;
    try {
      from = in.get_attr(wrapped, in.str(attr));
    } catch (PyException& e) {
      if (!in.exc_matches(e.exc, Value(in.builtins().AttributeError))) throw;
      from = Value(Ref<DictObj>(new DictObj()));
    }
    in.call0(in.get_attr(target, "update"), {std::move(from)});
  }
  in.set_attr(wrapper, "__wrapped__", wrapped);
  return wrapper;
}

// wraps(wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
// partial(update_wrapper, wrapped=wrapped, assigned=assigned, updated=updated)
Value wraps(Interp& in, const Value&, CallArgs& a) {
  std::vector<Value> p = bind_params(in, "wraps", a, {"wrapped", "assigned", "updated"}, 1);
  static const std::string kNames[] = {"wrapped", "assigned", "updated"};
  Value pos[] = {Value(new BuiltinObj("update_wrapper", update_wrapper))};
  Value kw[] = {p[0], p[1].is_unbound() ? wrapper_assignments() : p[1], p[2].is_unbound() ? wrapper_updates() : p[2]};
  CallArgs call;
  call.pos = pos;
  call.npos = 1;
  call.kwnames = kNames;
  call.kw = kw;
  call.nkw = 3;
  return partial_new(in, Value(), call);
}

// ---- reduce --------------------------------------------------------------------------------

// functools_reduce: reduce(function, iterable[, initial]), positional only.
Value reduce(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "reduce() takes no keyword arguments");
  if (a.npos < 2) in.raise(in.builtins().TypeError, "reduce expected at least 2 arguments, got " + std::to_string(a.npos));
  if (a.npos > 3) in.raise(in.builtins().TypeError, "reduce expected at most 3 arguments, got " + std::to_string(a.npos));
  Value it;
  try {
    it = in.get_iter(a.pos[1]);
  } catch (PyException& e) {
    if (!in.exc_matches(e.exc, Value(in.builtins().TypeError))) throw;
    in.raise(in.builtins().TypeError, "reduce() arg 2 must support iteration");
  }
  Value result = a.npos == 3 ? a.pos[2] : Value::unbound(), item;
  while (in.iter_next(it, item)) {
    if (result.is_unbound()) result = std::move(item);
    else result = in.call0(a.pos[0], {std::move(result), std::move(item)});
  }
  if (result.is_unbound()) in.raise(in.builtins().TypeError, "reduce() of empty iterable with no initial value");
  return result;
}

// ---- lru_cache and cache ------------------------------------------------------------------

// _lru_cache_wrapper (Modules/_functoolsmodule.c): what it keeps lives in
// the C++ object, so that the wrapper's __dict__ shows only what
// update_wrapper and the program set, as CPython's does.
struct LruWrapperObj : InstanceObj {
  Value func;
  Value maxsize;   // an int >= 0, or None (unbounded)
  bool typed = false;
  int64_t hits = 0, misses = 0;
  // The cache, least recently used first: a hit moves its entry to the end
  // (bounded_lru_cache_wrapper's linked list, in the dict's order).
  Ref<DictObj> cache{new DictObj()};
  explicit LruWrapperObj(TypeObj* t) : InstanceObj(t) {}
};

LruWrapperObj& lru_of(Interp& in, const Value& self, const char* method) {
  if (!self.is(ObjKind::Instance) || self.as<InstanceObj>()->type != g_types.lru_wrapper)
    in.raise(in.builtins().TypeError, std::string("descriptor '") + method + "' requires a 'functools._lru_cache_wrapper' object");
  return *static_cast<LruWrapperObj*>(self.as<InstanceObj>());
}

// lru_cache_make_key: one int or str argument is its own key; otherwise a
// tuple of the arguments, then the keyword mark and the keywords' names and
// values, then (typed) the arguments' types.
Value make_key(Interp& in, const LruWrapperObj& w, CallArgs& a) {
  if (!w.typed && !a.nkw && a.npos == 1 && (a.pos[0].is_int() || a.pos[0].is_bigint() || a.pos[0].is(ObjKind::Str)))
    return a.pos[0];
  std::vector<Value> key(a.pos, a.pos + a.npos);
  if (a.nkw) {
    key.push_back(g_types.kwd_mark);
    for (size_t i = 0; i < a.nkw; ++i) {
      key.push_back(make_str(a.kwnames[i]));
      key.push_back(a.kw[i]);
    }
  }
  if (w.typed) {
    for (size_t i = 0; i < a.npos; ++i) key.push_back(Value(in.type_of(a.pos[i])));
    for (size_t i = 0; i < a.nkw; ++i) key.push_back(Value(in.type_of(a.kw[i])));
  }
  return make_tuple(std::move(key));
}

Value lru_call(Interp& in, const Value& self, CallArgs& a) {
  LruWrapperObj& w = lru_of(in, self, "__call__");
  Ref<Object> keep(&w);  // the call may drop the last other reference (cache_clear, a rebinding)
  if (w.maxsize.is_integer() && w.maxsize.as_int() == 0) {  // uncached_lru_cache_wrapper
    ++w.misses;
    return in.call(w.func, a);
  }
  Value key = make_key(in, w, a);
  py_hash(in, key);  // unhashable arguments: TypeError before the function runs
  Ref<DictObj> cache = w.cache;
  if (Value* hit = cache->find(key)) {
    ++w.hits;
    Value result = *hit;
    if (!w.maxsize.is_none()) {  // the most recently used goes last
      cache->erase(key);
      cache->set(key, result);
    }
    return result;
  }
  ++w.misses;
  Value result = in.call(w.func, a);
  if (w.cache != cache) return result;  // cache_clear() ran during the call
  if (!w.maxsize.is_none()) {
    // A recursive call may have cached the key meanwhile: that entry stays.
    if (cache->find(key)) return result;
    if (int64_t(cache->entries.size()) >= w.maxsize.as_int() && !cache->entries.empty()) {
      Value oldest = cache->entries.front().first;
      cache->erase(oldest);
    }
  }
  cache->set(key, result);
  return result;
}

Value cache_info(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "cache_info() takes no arguments (" + std::to_string(a.npos + a.nkw - 1) + " given)");
  LruWrapperObj& w = lru_of(in, a.pos[0], "cache_info");
  Ref<InstanceObj> info(new InstanceObj(g_types.cache_info));
  static const std::string* const kNames[] = {intern_field_name("hits"), intern_field_name("misses"), intern_field_name("maxsize"),
                                              intern_field_name("currsize")};
  info->fields.emplace_back(kNames[0], Value::integer(w.hits));
  info->fields.emplace_back(kNames[1], Value::integer(w.misses));
  info->fields.emplace_back(kNames[2], w.maxsize);
  info->fields.emplace_back(kNames[3], Value::integer(int64_t(w.cache->entries.size())));
  return Value(info);
}

Value cache_clear(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "cache_clear() takes no arguments (" + std::to_string(a.npos + a.nkw - 1) + " given)");
  LruWrapperObj& w = lru_of(in, a.pos[0], "cache_clear");
  w.hits = w.misses = 0;
  w.cache = Ref<DictObj>(new DictObj());
  return Value();
}

// CacheInfo(hits=1, misses=4, maxsize=2, currsize=2)
Value cache_info_repr(Interp& in, const Value& self, CallArgs&) {
  InstanceObj* i = self.as<InstanceObj>();
  std::string s = "CacheInfo(";
  for (size_t k = 0; k < i->fields.size(); ++k) s += (k ? ", " : "") + *i->fields[k].first + "=" + in.repr(i->fields[k].second);
  return make_str(s + ")");
}

Value lru_repr(Interp&, const Value& self, CallArgs&) {
  return make_str("<functools._lru_cache_wrapper object at " + fake_address(self.obj()) + ">");
}

// cache_parameters(): {'maxsize': ..., 'typed': ...}, set on the wrapper
// as Lib/functools.py sets its lambda.
Value cache_parameters(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos || a.nkw) in.raise(in.builtins().TypeError, "cache_parameters() takes 0 positional arguments but " + std::to_string(a.npos) + " were given");
  const auto& p = self.as<TupleObj>()->items;
  Ref<DictObj> d(new DictObj());
  d->set(make_str("maxsize"), p[0]);
  d->set(make_str("typed"), p[1]);
  return Value(d);
}

// _lru_cache_wrapper(user_function, maxsize, typed, _CacheInfo), then
// update_wrapper(wrapper, user_function).
Value make_lru_wrapper(Interp& in, const Value& func, const Value& maxsize, bool typed) {
  if (!is_callable(in, func)) in.raise(in.builtins().TypeError, "the first argument must be callable");
  Ref<LruWrapperObj> w(new LruWrapperObj(g_types.lru_wrapper));
  w->func = func;
  w->maxsize = maxsize;
  w->typed = typed;
  Value wrapper(Ref<InstanceObj>(w.get()));
  in.set_attr(wrapper, "cache_parameters", Value(new BuiltinObj("cache_parameters", cache_parameters, make_tuple({maxsize, Value::boolean(typed)}))));
  Value args[] = {wrapper, func};
  CallArgs call;
  call.pos = args;
  call.npos = 2;
  return update_wrapper(in, Value(), call);
}

// lru_cache(maxsize=128, typed=False)'s decorating_function.
Value decorating_function(Interp& in, const Value& self, CallArgs& a) {
  std::vector<Value> p = bind_params(in, "decorating_function", a, {"user_function"}, 1);
  const auto& params = self.as<TupleObj>()->items;
  return make_lru_wrapper(in, p[0], params[0], in.truthy(params[1]));
}

Value lru_cache(Interp& in, const Value&, CallArgs& a) {
  std::vector<Value> p = bind_params(in, "lru_cache", a, {"maxsize", "typed"}, 0);
  Value maxsize = p[0].is_unbound() ? Value::integer(128) : p[0];
  Value typed = p[1].is_unbound() ? Value::boolean(false) : p[1];
  if (maxsize.is_integer()) {  // isinstance(maxsize, int): a negative size caches nothing
    if (maxsize.is_bigint())  // past int64: as good as unbounded for any run here
      maxsize = Value::integer(maxsize.as<BigIntObj>()->v.is_negative() ? 0 : INT64_MAX);
    else if (maxsize.as_int() < 0)
      maxsize = Value::integer(0);
  } else if (is_callable(in, maxsize) && typed.is_bool()) {  // @lru_cache without parentheses
    return make_lru_wrapper(in, maxsize, Value::integer(128), typed.as_bool());
  } else if (!maxsize.is_none()) {
    in.raise(in.builtins().TypeError, "Expected first argument to be an integer, a callable, or None");
  }
  Ref<BuiltinObj> deco(new BuiltinObj("decorating_function", decorating_function, make_tuple({maxsize, typed})));
  return Value(deco);
}

// cache(user_function, /): lru_cache(maxsize=None)(user_function)
Value cache(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "cache() got some positional-only arguments passed as keyword arguments: '" + a.kwnames[0] + "'");
  if (a.npos != 1)
    in.raise(in.builtins().TypeError, a.npos == 0 ? "cache() missing 1 required positional argument: 'user_function'"
                                                 : "cache() takes 1 positional argument but " + std::to_string(a.npos) + " were given");
  return make_lru_wrapper(in, a.pos[0], Value(), false);
}

}  // namespace

bool is_partial(const Value& v) { return v.is(ObjKind::Instance) && v.as<InstanceObj>()->type == g_types.partial; }

Value make_functools_module(Interp&, Builtins& b) {
  auto make_type = [&](const char* name) {
    auto* t = new TypeObj(name, "functools", b.object, TypeKind::Builtin);
    b.owned.push_back(Value(t));
    return t;
  };
  auto method = [](TypeObj* t, const char* name, Builtin fn, bool binds = false) {
    Ref<BuiltinObj> m(new BuiltinObj(name, fn));
    m->binds = binds;
    t->class_attrs.emplace_back(name, Value(m));
  };
  g_types.partial = make_type("partial");
  g_types.partial->ctor = partial_new;
  method(g_types.partial, "__call__", partial_call);
  method(g_types.partial, "__repr__", partial_repr);
  g_types.lru_wrapper = make_type("_lru_cache_wrapper");
  method(g_types.lru_wrapper, "__call__", lru_call);
  method(g_types.lru_wrapper, "__repr__", lru_repr);
  method(g_types.lru_wrapper, "cache_info", cache_info, true);
  method(g_types.lru_wrapper, "cache_clear", cache_clear, true);
  g_types.cache_info = make_type("CacheInfo");
  method(g_types.cache_info, "__repr__", cache_info_repr);
  g_types.kwd_mark = Value(Ref<InstanceObj>(new InstanceObj(b.object)));

  Ref<ModuleObj> m(new ModuleObj("functools"));
  m->attrs.emplace_back("partial", Value(g_types.partial));
  m->attrs.emplace_back("update_wrapper", Value(new BuiltinObj("update_wrapper", update_wrapper)));
  m->attrs.emplace_back("wraps", Value(new BuiltinObj("wraps", wraps)));
  m->attrs.emplace_back("WRAPPER_ASSIGNMENTS", wrapper_assignments());
  m->attrs.emplace_back("WRAPPER_UPDATES", wrapper_updates());
  m->attrs.emplace_back("reduce", Value(new BuiltinObj("reduce", reduce)));
  m->attrs.emplace_back("lru_cache", Value(new BuiltinObj("lru_cache", lru_cache)));
  m->attrs.emplace_back("cache", Value(new BuiltinObj("cache", cache)));
  return Value(m);
}

}  // namespace corun
