// Attribute access and methods of builtin values: str, list, dict,
// exceptions, types, tasks and futures, modules, and user class instances.
//
// The native methods of each builtin kind are a MethodTable (name ->
// handler, method_table.h), and so are the attributes of exceptions,
// ranges and frame objects (AttrTable): call_method finds one with a single lookup,
// get_attr binds it (bind_native_method) when it is used as a value, and
// dir()/AttributeError list the table's names, so a name cannot be listed
// without a handler or handled without being listed. A kind with methods
// has no other attributes to look up: a name it lacks is AttributeError.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "engine/asyncio/loop_methods.h"
#include "engine/python/attrs.h"
#include "engine/python/builtins.h"
#include "engine/python/bytes.h"
#include "engine/python/collections_module.h"
#include "engine/python/classes.h"
#include "engine/python/descriptors.h"
#include "engine/python/os_errors.h"
#include "engine/python/method_args.h"
#include "engine/python/method_table.h"
#include "engine/python/pyformat.h"
#include "engine/python/sets.h"
#include "engine/python/str_methods.h"
#include "engine/vm/definitions.h"
#include "engine/vm/generators.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

// Method and attribute names are matched against long chains of literals
// on every call: with the literal's length known, a mismatch costs one
// compare, no strlen.
template <size_t N>
inline bool name_is(const std::string& name, const char (&literal)[N]) {
  return name.size() == N - 1 && std::memcmp(name.data(), literal, N - 1) == 0;
}

namespace {

// The type's name as CPython's attribute errors spell it (tp_name): the C
// types of _asyncio and collections carry their module.
std::string attr_type_name(Interp& in, const Value& obj) {
  if (obj.is(ObjKind::Future)) return "_asyncio.Future";
  if (obj.is(ObjKind::Task)) return "_asyncio.Task";
  if (obj.is(ObjKind::Deque)) return "collections.deque";
  // defaultdict and OrderedDict are C types; Counter and namedtuples are Python classes.
  if (dict_flavor(obj) == DictObj::Flavor::DefaultDict) return "collections.defaultdict";
  if (dict_flavor(obj) == DictObj::Flavor::OrderedDict) return "collections.OrderedDict";
  // A bound method hands unknown names to its function (method_getattro).
  if (obj.is(ObjKind::BoundMethod)) return "function";
  return in.type_of(obj)->name;
}

[[noreturn]] void no_attr(Interp& in, const Value& obj, const std::string& name) {
  if (obj.is(ObjKind::Loop))
    in.raise(in.builtins().AttributeError, "'_UnixSelectorEventLoop' object has no attribute '" + name + "'");
  if (obj.is(ObjKind::Module))
    in.raise(in.builtins().AttributeError, "module '" + obj.as<ModuleObj>()->name + "' has no attribute '" + name + "'");
  if (obj.is(ObjKind::Type))
    in.raise(in.builtins().AttributeError, "type object '" + obj.as<TypeObj>()->name + "' has no attribute '" + name + "'");
  in.raise(in.builtins().AttributeError, "'" + attr_type_name(in, obj) + "' object has no attribute '" + name + "'");
}

// ---- list and tuple --------------------------------------------------------------------

std::vector<Value>& list_items(const Value& self) { return self.as<ListObj>()->items; }

Value list_extend(Interp& in, const Value& self, CallArgs& a) {
  auto& items = list_items(self);
  nargs(in, "list.extend", a, 1, 1);
  std::vector<Value> more = in.to_vector(a.pos[0]);  // charged and reserved
  reserve_items(checked_add(items.size(), more.size()));
  items.insert(items.end(), more.begin(), more.end());
  return Value();
}

Value list_insert(Interp& in, const Value& self, CallArgs& a) {
  auto& items = list_items(self);
  nargs(in, "list.insert", a, 2, 2);
  int64_t i = ssize_arg(in, a.pos[0]), n = int64_t(items.size());
  if (i < 0) i = std::max<int64_t>(0, i + n);
  if (i > n) i = n;
  charge(uint64_t(n - i) * sizeof(Value) / kBytesPerUnit);  // the items after i move
  items.insert(items.begin() + i, a.pos[1]);
  return Value();
}

Value list_pop(Interp& in, const Value& self, CallArgs& a) {
  auto& items = list_items(self);
  nargs(in, "pop", a, 0, 1);
  if (items.empty()) in.raise(in.builtins().IndexError, "pop from empty list");
  int64_t i = a.npos ? ssize_arg(in, a.pos[0]) : -1, n = int64_t(items.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) in.raise(in.builtins().IndexError, "pop index out of range");
  Value v = items[size_t(i)];
  charge(uint64_t(n - i) * sizeof(Value) / kBytesPerUnit);
  items.erase(items.begin() + i);
  return v;
}

enum class Scan { Remove, Index, Count };

// list.remove / index / count: items equal to the argument (identity first,
// as PyObject_RichCompare's shortcut).
Value list_scan(Interp& in, const Value& self, CallArgs& a, const char* qualname, Scan what) {
  auto& items = list_items(self);
  nargs(in, qualname, a, 1, 1);
  int64_t n = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    charge_step();
    if (!(items[i].same(a.pos[0]) || values_equal(items[i], a.pos[0]))) continue;
    if (what == Scan::Remove) { items.erase(items.begin() + long(i)); return Value(); }
    if (what == Scan::Index) return Value::integer(int64_t(i));
    ++n;
  }
  if (what == Scan::Count) return Value::integer(n);
  in.raise(in.builtins().ValueError, what == Scan::Remove ? "list.remove(x): x not in list" : in.repr(a.pos[0]) + " is not in list");
}

Value list_sort(Interp& in, const Value& self, CallArgs& a) {
  auto& items = list_items(self);
  const Value* key = a.kwarg("key");
  const Value* rev = a.kwarg("reverse");
  bool reverse = rev && in.truthy(*rev);
  // keys, the index permutation and the sorted copy: about three lists' worth.
  reserve_items(checked_mul(items.size(), 3));
  std::vector<Value> keys;
  for (auto& x : items) keys.push_back(key && !key->is_none() ? in.call0(*key, {x}) : x);
  std::vector<size_t> idx(items.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  // Stable, like timsort; reverse keeps equal items in their original order.
  std::stable_sort(idx.begin(), idx.end(), [&](size_t x, size_t y) {
    charge_step();  // n log n comparisons, each a Python comparison
    return reverse ? in.compare(CmpOp::Lt, keys[y], keys[x]) : in.compare(CmpOp::Lt, keys[x], keys[y]);
  });
  std::vector<Value> sorted;
  for (size_t i : idx) sorted.push_back(items[i]);
  items = std::move(sorted);
  return Value();
}

const MethodTable& list_methods() {
  static const MethodTable table{
      {"append", [](Interp& in, const Value& s, CallArgs& a) -> Value { nargs(in, "list.append", a, 1, 1); list_items(s).push_back(a.pos[0]); return Value(); }},
      {"extend", list_extend},
      {"insert", list_insert},
      {"pop", list_pop},
      {"remove", [](Interp& in, const Value& s, CallArgs& a) -> Value { return list_scan(in, s, a, "list.remove", Scan::Remove); }},
      {"index", [](Interp& in, const Value& s, CallArgs& a) -> Value { return list_scan(in, s, a, "list.index", Scan::Index); }},
      {"count", [](Interp& in, const Value& s, CallArgs& a) -> Value { return list_scan(in, s, a, "list.count", Scan::Count); }},
      {"reverse", [](Interp&, const Value& s, CallArgs&) -> Value {
         auto& items = list_items(s);
         charge(items.size() / kItemsPerUnit);
         std::reverse(items.begin(), items.end());
         return Value();
       }},
      {"clear", [](Interp&, const Value& s, CallArgs&) -> Value { list_items(s).clear(); return Value(); }},
      {"copy", [](Interp&, const Value& s, CallArgs&) -> Value { reserve_items(list_items(s).size()); return make_list(list_items(s)); }},
      {"sort", list_sort},
  };
  return table;
}

// tuple.count and tuple.index, as list's.
Value tuple_scan(Interp& in, const Value& self, CallArgs& a, const char* qualname, Scan what) {
  const auto& items = self.as<TupleObj>()->items;
  nargs(in, qualname, a, 1, 1);
  int64_t n = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!(items[i].same(a.pos[0]) || values_equal(items[i], a.pos[0]))) continue;
    if (what == Scan::Index) return Value::integer(int64_t(i));
    ++n;
  }
  if (what == Scan::Index) in.raise(in.builtins().ValueError, "tuple.index(x): x not in tuple");
  return Value::integer(n);
}

const MethodTable& tuple_methods() {
  static const MethodTable table{
      {"count", [](Interp& in, const Value& s, CallArgs& a) -> Value { return tuple_scan(in, s, a, "tuple.count", Scan::Count); }},
      {"index", [](Interp& in, const Value& s, CallArgs& a) -> Value { return tuple_scan(in, s, a, "tuple.index", Scan::Index); }},
  };
  return table;
}

// ---- dict ------------------------------------------------------------------------------

Value dict_get(Interp& in, const Value& self, CallArgs& a) {
  nargs(in, "get", a, 1, 2);
  Value* v = self.as<DictObj>()->find(a.pos[0]);
  return v ? *v : (a.npos == 2 ? a.pos[1] : Value());
}

Value dict_view(Interp& in, const Value& self, CallArgs& a, const char* name, DictViewObj::Which which) {
  nargs(in, name, a, 0, 0);
  return Value(new DictViewObj(which, self));
}

Value dict_pop(Interp& in, const Value& self, CallArgs& a) {
  auto* d = self.as<DictObj>();
  nargs(in, "pop", a, 1, 2);
  Value* v = d->find(a.pos[0]);
  if (!v) {
    if (a.npos == 2) return a.pos[1];
    throw PyException{in.make_exception_args(in.builtins().KeyError, {a.pos[0]})};
  }
  Value out = *v;
  d->erase(a.pos[0]);
  return out;
}

Value dict_setdefault(Interp& in, const Value& self, CallArgs& a) {
  auto* d = self.as<DictObj>();
  nargs(in, "setdefault", a, 1, 2);
  if (Value* v = d->find(a.pos[0])) return *v;
  Value dv = a.npos == 2 ? a.pos[1] : Value();
  d->set(a.pos[0], dv);
  return dv;
}

Value dict_update(Interp& in, const Value& self, CallArgs& a) {
  auto* d = self.as<DictObj>();
  if (a.npos) {
    if (a.pos[0].is(ObjKind::Dict)) {
      charge(a.pos[0].as<DictObj>()->entries.size());
      for (auto& [k, v] : a.pos[0].as<DictObj>()->entries) d->set(k, v);
    } else for (auto& kv : in.to_vector(a.pos[0])) { auto p = in.to_vector(kv); d->set(p.at(0), p.at(1)); }
  }
  for (size_t i = 0; i < a.nkw; ++i) d->set(make_str(a.kwnames[i]), a.kw[i]);
  return Value();
}

const MethodTable& dict_methods() {
  static const MethodTable table{
      {"get", dict_get},
      {"keys", [](Interp& in, const Value& s, CallArgs& a) -> Value { return dict_view(in, s, a, "keys", DictViewObj::Keys); }},
      {"values", [](Interp& in, const Value& s, CallArgs& a) -> Value { return dict_view(in, s, a, "values", DictViewObj::Values); }},
      {"items", [](Interp& in, const Value& s, CallArgs& a) -> Value { return dict_view(in, s, a, "items", DictViewObj::Items); }},
      {"pop", dict_pop},
      {"setdefault", dict_setdefault},
      {"update", dict_update},
      {"copy", [](Interp&, const Value& s, CallArgs&) -> Value {
         auto* d = s.as<DictObj>();
         charge(d->entries.size());
         Ref<DictObj> c(new DictObj());
         c->assign(*d);
         return Value(c);
       }},
      {"clear", [](Interp&, const Value& s, CallArgs&) -> Value { s.as<DictObj>()->clear(); return Value(); }},
      {"popitem", [](Interp& in, const Value& s, CallArgs& a) -> Value {  // LIFO, as dict_popitem
         nargs(in, "popitem", a, 0, 0);
         auto* d = s.as<DictObj>();
         if (d->entries.empty())
           throw PyException{in.make_exception_args(in.builtins().KeyError, {make_str("popitem(): dictionary is empty")})};
         std::pair<Value, Value> kv = d->entries.back();
         d->erase(kv.first);
         return make_tuple({kv.first, kv.second});
       }},
  };
  return table;
}

// ---- collections.deque (Modules/_collectionsmodule.c) ------------------------------------
// The asyncio ports push and pop their waiter deques directly; these are
// the methods a scenario calls, which also keep maxlen and bump `state`
// (so an iterator over a deque that changes raises, as deque_iter does).

DequeObj& mutated(const Value& self) {
  DequeObj* d = self.as<DequeObj>();
  ++d->state;
  return *d;
}

// deque_append / deque_appendleft: a bounded deque drops from the other end.
void deque_push(DequeObj& d, Value v, bool left) {
  if (left) d.items.push_front(std::move(v));
  else d.items.push_back(std::move(v));
  if (d.maxlen >= 0 && int64_t(d.items.size()) > d.maxlen) {
    if (left) d.items.pop_back();
    else d.items.pop_front();
  }
}

Value deque_pop(Interp& in, const Value& self, CallArgs& a, bool left) {
  auto& items = self.as<DequeObj>()->items;
  nargs(in, left ? "deque.popleft" : "deque.pop", a, 0, 0);
  if (items.empty()) in.raise(in.builtins().IndexError, "pop from an empty deque");
  ++self.as<DequeObj>()->state;
  Value v = std::move(left ? items.front() : items.back());
  if (left) items.pop_front();
  else items.pop_back();
  return v;
}

Value deque_extend(Interp& in, const Value& self, CallArgs& a, bool left) {
  nargs(in, left ? "deque.extendleft" : "deque.extend", a, 1, 1);
  std::vector<Value> more = in.to_vector(a.pos[0]);  // charged; a copy when it is the deque itself
  DequeObj& d = mutated(self);
  for (Value& v : more) deque_push(d, std::move(v), left);
  return Value();
}

enum class DequeScan { Remove, Index, Count };

// deque.remove / index / count: items equal to x (identity first).
Value deque_scan(Interp& in, const Value& self, CallArgs& a, DequeScan what) {
  auto& items = self.as<DequeObj>()->items;
  const char* name = what == DequeScan::Remove ? "deque.remove" : what == DequeScan::Index ? "index" : "deque.count";
  nargs(in, name, a, 1, what == DequeScan::Index ? 3 : 1);
  int64_t n = int64_t(items.size()), lo = 0, hi = n;
  if (what == DequeScan::Index) {  // deque_index: start and stop clamped as slice indices are
    auto bound = [&](size_t k, int64_t dflt) {
      if (a.npos <= k) return dflt;
      int64_t v = ssize_arg(in, a.pos[k]);
      if (v < 0) v = std::max<int64_t>(0, v + n);
      return std::min(v, n);
    };
    lo = bound(1, 0);
    hi = bound(2, n);
  }
  int64_t count = 0;
  for (int64_t i = lo; i < hi && i < int64_t(items.size()); ++i) {
    charge_step();
    if (!(items[size_t(i)].same(a.pos[0]) || values_equal(items[size_t(i)], a.pos[0]))) continue;
    if (what == DequeScan::Remove) {
      ++self.as<DequeObj>()->state;
      items.erase(items.begin() + i);
      return Value();
    }
    if (what == DequeScan::Index) return Value::integer(i);
    ++count;
  }
  if (what == DequeScan::Count) return Value::integer(count);
  in.raise(in.builtins().ValueError, in.repr(a.pos[0]) + " is not in deque");
}

Value deque_rotate(Interp& in, const Value& self, CallArgs& a) {
  nargs(in, "deque.rotate", a, 0, 1);
  int64_t k = a.npos ? ssize_arg(in, a.pos[0]) : 1;
  DequeObj& d = mutated(self);
  const int64_t n = int64_t(d.items.size());
  if (n <= 1) return Value();
  k %= n;
  if (k < 0) k += n;  // right by k == left by n - k
  charge(uint64_t(std::min(k, n - k)) / kItemsPerUnit);
  std::rotate(d.items.begin(), d.items.begin() + (n - k), d.items.end());
  return Value();
}

Value deque_insert(Interp& in, const Value& self, CallArgs& a) {
  nargs(in, "deque.insert", a, 2, 2);
  DequeObj& d = *self.as<DequeObj>();
  int64_t i = ssize_arg(in, a.pos[0]), n = int64_t(d.items.size());
  if (d.maxlen >= 0 && n >= d.maxlen) in.raise(in.builtins().IndexError, "deque already at its maximum size");
  if (i < 0) i = std::max<int64_t>(0, i + n);
  if (i > n) i = n;
  charge(uint64_t(std::min(i, n - i)) / kItemsPerUnit);
  ++d.state;
  d.items.insert(d.items.begin() + i, a.pos[1]);
  return Value();
}

const MethodTable& deque_methods() {
  static const MethodTable table{
      {"append", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         nargs(in, "deque.append", a, 1, 1);
         deque_push(mutated(s), a.pos[0], false);
         return Value();
       }},
      {"appendleft", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         nargs(in, "deque.appendleft", a, 1, 1);
         deque_push(mutated(s), a.pos[0], true);
         return Value();
       }},
      {"pop", [](Interp& in, const Value& s, CallArgs& a) -> Value { return deque_pop(in, s, a, false); }},
      {"popleft", [](Interp& in, const Value& s, CallArgs& a) -> Value { return deque_pop(in, s, a, true); }},
      {"extend", [](Interp& in, const Value& s, CallArgs& a) -> Value { return deque_extend(in, s, a, false); }},
      {"extendleft", [](Interp& in, const Value& s, CallArgs& a) -> Value { return deque_extend(in, s, a, true); }},
      {"remove", [](Interp& in, const Value& s, CallArgs& a) -> Value { return deque_scan(in, s, a, DequeScan::Remove); }},
      {"index", [](Interp& in, const Value& s, CallArgs& a) -> Value { return deque_scan(in, s, a, DequeScan::Index); }},
      {"count", [](Interp& in, const Value& s, CallArgs& a) -> Value { return deque_scan(in, s, a, DequeScan::Count); }},
      {"insert", deque_insert},
      {"rotate", deque_rotate},
      {"reverse", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         nargs(in, "deque.reverse", a, 0, 0);
         DequeObj& d = mutated(s);
         charge(d.items.size() / kItemsPerUnit);
         std::reverse(d.items.begin(), d.items.end());
         return Value();
       }},
      {"clear", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         nargs(in, "deque.clear", a, 0, 0);
         mutated(s).items.clear();
         return Value();
       }},
      {"copy", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         nargs(in, "deque.copy", a, 0, 0);
         const DequeObj& d = *s.as<DequeObj>();
         charge(d.items.size() / kItemsPerUnit);
         Ref<DequeObj> c(new DequeObj());
         c->items = d.items;
         c->maxlen = d.maxlen;
         return Value(c);
       }},
  };
  return table;
}

}  // namespace

// collections.deque(iterable=(), maxlen=None)
Value deque_new(Interp& in, const Value&, CallArgs& a) {
  if (a.npos > 2) in.raise(in.builtins().TypeError, "deque() takes at most 2 arguments (" + std::to_string(a.npos) + " given)");
  const Value* iterable = a.npos > 0 ? &a.pos[0] : nullptr;
  const Value* maxlen = a.npos > 1 ? &a.pos[1] : nullptr;
  for (size_t k = 0; k < a.nkw; ++k) {
    const std::string& kw = a.kwnames[k];
    if (kw == "iterable" && !iterable) iterable = &a.kw[k];
    else if (kw == "maxlen" && !maxlen) maxlen = &a.kw[k];
    else if (kw == "iterable" || kw == "maxlen")
      in.raise(in.builtins().TypeError, "argument for deque() given by name ('" + kw + "') and position (" + (kw == "iterable" ? "1" : "2") + ")");
    else in.raise(in.builtins().TypeError, "deque() got an unexpected keyword argument '" + kw + "'");
  }
  Ref<DequeObj> d(new DequeObj());
  if (maxlen && !maxlen->is_none()) {
    if (!maxlen->is_intlike() && !maxlen->is_bigint()) in.raise(in.builtins().TypeError, "an integer is required");
    d->maxlen = ssize_arg(in, *maxlen);
    if (d->maxlen < 0) in.raise(in.builtins().ValueError, "maxlen must be non-negative");
  }
  if (iterable)
    for (Value& v : in.to_vector(*iterable)) deque_push(*d, std::move(v), false);
  return Value(d);
}

namespace {

// ---- asyncio.Future and asyncio.Task ---------------------------------------------------

void call_user_callback(Interp& in, const Value& ctx, const Value& fut) {
  const Value& fn = ctx.is(ObjKind::Misc) ? ctx.as<BoxObj>()->v : ctx;
  try {
    in.call0(fn, {fut});
  } catch (PyException& e) {
    // Future._schedule_callbacks ran it as call_soon(fn, fut): Handle._run's report.
    in.report_callback_exception(e.exc, Value(new HandleObj(run_callable_handle, fn, make_tuple({fut}))));
  }
}

}  // namespace

bool is_user_callback(Callback fn) { return fn == call_user_callback; }

Value user_callback_callable(const Object* ctx) {
  if (ctx->okind == ObjKind::Misc) return static_cast<const BoxObj*>(ctx)->v;
  return Value(const_cast<Object*>(ctx));
}

namespace {

bool user_callback_is(const DoneCallback& cb, const Value& fn) {
  if (cb.ctx.is(ObjKind::Misc)) return cb.ctx.as<BoxObj>()->v.same(fn);
  return fn.is_obj() && cb.ctx.get() == fn.obj();
}

FutureObj* future_of(const Value& self) { return self.as<FutureObj>(); }
TaskObj* task_of(const Value& self) { return static_cast<TaskObj*>(self.as<FutureObj>()); }

Value future_cancel(Interp& in, const Value& self, CallArgs& a) {
  const Value* msg = arg_or_kw(a, 0, "msg");
  return Value::boolean(in.future_cancel_any(future_of(self), msg ? *msg : Value()));
}

Value future_add_done_callback(Interp& in, const Value& self, CallArgs& a) {
  nargs(in, "add_done_callback", a, 1, 1);
  in.future_add_done_callback(future_of(self), call_user_callback, a.pos[0].is_obj() ? a.pos[0] : Value(new BoxObj(a.pos[0])));
  return Value();
}

Value future_remove_done_callback(Interp& in, const Value& self, CallArgs& a) {
  nargs(in, "remove_done_callback", a, 1, 1);
  size_t removed = future_of(self)->callbacks.remove_if(
      [&](const DoneCallback& cb) { return cb.fn == call_user_callback && user_callback_is(cb, a.pos[0]); });
  return Value::integer(int64_t(removed));
}

// The methods Future and Task share (Task's set_result and set_exception
// raise instead).
#define CORUN_FUTURE_METHODS                                                                                          \
  {"cancel", future_cancel},                                                                                          \
  {"cancelled", [](Interp&, const Value& s, CallArgs&) -> Value { return Value::boolean(future_of(s)->state == FutureObj::State::Cancelled); }}, \
  {"done", [](Interp&, const Value& s, CallArgs&) -> Value { return Value::boolean(future_of(s)->done()); }},                  \
  {"result", [](Interp& in, const Value& s, CallArgs&) -> Value { return in.future_result(future_of(s)); }},                   \
  {"exception", [](Interp& in, const Value& s, CallArgs&) -> Value { return in.future_exception(future_of(s)); }},             \
  {"add_done_callback", future_add_done_callback},                                                                    \
  {"remove_done_callback", future_remove_done_callback},                                                              \
  {"get_loop", [](Interp& in, const Value&, CallArgs&) -> Value { return in.current_loop_object(); }}

const MethodTable& future_methods() {
  static const MethodTable table{
      CORUN_FUTURE_METHODS,
      {"set_result", [](Interp& in, const Value& s, CallArgs& a) -> Value { nargs(in, "set_result", a, 1, 1); in.future_set_result(future_of(s), a.pos[0]); return Value(); }},
      {"set_exception", [](Interp& in, const Value& s, CallArgs& a) -> Value { nargs(in, "set_exception", a, 1, 1); in.future_set_exception(future_of(s), a.pos[0]); return Value(); }},
  };
  return table;
}

const MethodTable& task_methods() {
  static const MethodTable table{
      CORUN_FUTURE_METHODS,
      {"set_result", [](Interp& in, const Value&, CallArgs&) -> Value { in.raise(in.builtins().RuntimeError, "Task does not support set_result operation"); }},
      {"set_exception", [](Interp& in, const Value&, CallArgs&) -> Value { in.raise(in.builtins().RuntimeError, "Task does not support set_exception operation"); }},
      {"get_name", [](Interp&, const Value& s, CallArgs&) -> Value { return make_str(task_of(s)->name()); }},
      {"set_name", [](Interp& in, const Value& s, CallArgs& a) -> Value { nargs(in, "set_name", a, 1, 1); task_of(s)->set_name(in.str(a.pos[0])); return Value(); }},
      {"cancelling", [](Interp&, const Value& s, CallArgs&) -> Value { return Value::integer(task_of(s)->num_cancels_requested); }},
      {"uncancel", [](Interp&, const Value& s, CallArgs&) -> Value {
         TaskObj* t = task_of(s);
         if (t->num_cancels_requested > 0) --t->num_cancels_requested;
         return Value::integer(t->num_cancels_requested);
       }},
      {"get_coro", [](Interp&, const Value& s, CallArgs&) -> Value { return task_of(s)->coro; }},
  };
  return table;
}

#undef CORUN_FUTURE_METHODS

// ---- asyncio.Handle / TimerHandle ------------------------------------------------------

const MethodTable& handle_methods() {
  static const MethodTable table{
      {"cancel", [](Interp& in, const Value& s, CallArgs&) -> Value {
         HandleObj* h = s.as<HandleObj>();
         if (!h->cancelled) {
           h->cancelled = true;
           if (h->scheduled) in.loop().timer_cancelled();
         }
         return Value();
       }},
      {"cancelled", [](Interp&, const Value& s, CallArgs&) -> Value { return Value::boolean(s.as<HandleObj>()->cancelled); }},
      {"when", [](Interp&, const Value& s, CallArgs&) -> Value { return Value::flt(double(s.as<HandleObj>()->when) / 1e9); }},
  };
  return table;
}

// ---- dispatch --------------------------------------------------------------------------

// The method table of a receiver's kind, or null: sets and the frame objects
// (generators, coroutines) keep theirs in engine/python/sets.cpp and
// engine/vm/generators.cpp.
// int's and float's methods (bool's are int's): CPython's words for a wrong call.
void no_args(Interp& in, const char* qualname, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, std::string(qualname) + "() takes no keyword arguments");
  if (a.npos) in.raise(in.builtins().TypeError, std::string(qualname) + "() takes no arguments (" + std::to_string(a.npos) + " given)");
}

Value int_plain(const Value& v) { return v.is_bool() ? Value::integer(v.as_int()) : v; }

uint64_t magnitude64(int64_t v) { return v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v); }

const MethodTable& int_methods() {
  static const MethodTable table{
      {"bit_length", [](Interp& in, const Value& v, CallArgs& a) -> Value {
         no_args(in, "int.bit_length", a);
         if (v.is_bigint()) return Value::integer(int64_t(v.as<BigIntObj>()->v.bit_length()));
         const uint64_t m = magnitude64(v.as_int());
         return Value::integer(m ? 64 - __builtin_clzll(m) : 0);
       }},
      {"bit_count", [](Interp& in, const Value& v, CallArgs& a) -> Value {
         no_args(in, "int.bit_count", a);
         if (v.is_bigint()) {
           const auto& limbs = v.as<BigIntObj>()->v.limbs();
           charge(limbs.size() / kItemsPerUnit);
           int64_t n = 0;
           for (uint32_t l : limbs) n += __builtin_popcount(l);
           return Value::integer(n);
         }
         return Value::integer(__builtin_popcountll(magnitude64(v.as_int())));
       }},
      {"conjugate", [](Interp& in, const Value& v, CallArgs& a) -> Value { no_args(in, "int.conjugate", a); return int_plain(v); }},
      {"as_integer_ratio", [](Interp& in, const Value& v, CallArgs& a) -> Value {
         no_args(in, "int.as_integer_ratio", a);
         return make_tuple({int_plain(v), Value::integer(1)});
       }},
  };
  return table;
}

// float.hex(): CPython's float_hex, 13 hex digits after the point.
std::string float_hex(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  const bool neg = std::signbit(x);
  if (x == 0) return neg ? "-0x0.0p+0" : "0x0.0p+0";
  int e = 0;
  double m = std::frexp(std::fabs(x), &e);
  const int shift = 1 - std::max(DBL_MIN_EXP - e, 0);
  m = std::ldexp(m, shift);
  e -= shift;
  static const char digits[] = "0123456789abcdef";
  std::string s = neg ? "-0x" : "0x";
  int d = int(m);
  s += digits[d];
  m -= d;
  s += '.';
  for (int i = 0; i < (DBL_MANT_DIG - 1 + 3) / 4; ++i) {
    m *= 16.0;
    d = int(m);
    s += digits[d];
    m -= d;
  }
  s += 'p';
  s += e < 0 ? '-' : '+';
  s += std::to_string(e < 0 ? -e : e);
  return s;
}

const MethodTable& float_methods() {
  static const MethodTable table{
      {"is_integer", [](Interp& in, const Value& v, CallArgs& a) -> Value {
         no_args(in, "float.is_integer", a);
         const double x = v.as_float();
         return Value::boolean(std::isfinite(x) && x == std::floor(x));
       }},
      {"as_integer_ratio", [](Interp& in, const Value& v, CallArgs& a) -> Value {
         no_args(in, "float.as_integer_ratio", a);
         const double x = v.as_float();
         if (std::isinf(x)) in.raise(in.builtins().OverflowError, "cannot convert Infinity to integer ratio");
         if (std::isnan(x)) in.raise(in.builtins().ValueError, "cannot convert NaN to integer ratio");
         int e = 0;
         double m = std::frexp(x, &e);
         for (int i = 0; i < 300 && m != std::floor(m); ++i) { m *= 2.0; --e; }
         BigInt num{static_cast<int64_t>(m)}, den{1};
         if (e > 0) num = num * BigInt::pow(BigInt(2), uint64_t(e));
         else den = BigInt::pow(BigInt(2), uint64_t(-e));
         return make_tuple({make_int(num), make_int(den)});
       }},
      {"hex", [](Interp& in, const Value& v, CallArgs& a) -> Value { no_args(in, "float.hex", a); return make_str(float_hex(v.as_float())); }},
      {"conjugate", [](Interp& in, const Value& v, CallArgs& a) -> Value { no_args(in, "float.conjugate", a); return v; }},
  };
  return table;
}

const MethodTable* method_table(const Value& obj) {
  if (obj.is_intlike()) return &int_methods();
  if (obj.is_float()) return &float_methods();
  if (!obj.is_obj()) return nullptr;
  switch (obj.obj()->okind) {
    case ObjKind::BigInt: return &int_methods();
    case ObjKind::Str: return &str_methods();
    case ObjKind::Bytes: return &bytes_methods();
    case ObjKind::List: return &list_methods();
    case ObjKind::Tuple: return obj.as<TupleObj>()->named ? &namedtuple_methods() : &tuple_methods();
    case ObjKind::Dict: {
      DictObj::Flavor flavor = obj.as<DictObj>()->flavor;
      return flavor == DictObj::Flavor::Plain ? &dict_methods() : &collections_dict_methods(flavor);
    }
    case ObjKind::Deque: return &deque_methods();
    case ObjKind::Future: return &future_methods();
    case ObjKind::Task: return &task_methods();
    case ObjKind::Handle: return &handle_methods();
    default: return nullptr;
  }
}

}  // namespace

const MethodTable& builtin_dict_methods() { return dict_methods(); }
const MethodTable& builtin_tuple_methods() { return tuple_methods(); }

const char* const* native_methods(const Value& obj) {
  if (const MethodTable* t = method_table(obj)) return t->names();
  if (obj.is(ObjKind::Set)) return obj.as<SetObj>()->frozen ? kFrozenSetMethodNames : kSetMethodNames;
  if (obj.is(ObjKind::Coroutine)) return frame_object_methods(obj);
  return nullptr;
}

namespace {

// The table's own spelling of `name` (a static string, for BuiltinObj::name), or null.
const char* native_method_name(const Value& obj, const std::string& name) {
  if (const MethodTable* t = method_table(obj)) {
    const NativeMethod* m = t->find(name);
    return m ? m->name : nullptr;
  }
  if (const char* const* m = native_methods(obj))
    for (; *m; ++m) if (name == *m) return *m;
  return nullptr;
}

// Calls a native method of a builtin value; `found` says whether the
// receiver's kind has one by that name. Never falls back to attribute
// lookup: get_attr's bound methods call back in here, so a fallback would
// recurse forever on a name the kind lacks.
Value call_native_method(Interp& in, const Value& obj, const std::string& name, CallArgs& args, bool& found) {
  found = false;
  if (const MethodTable* t = method_table(obj)) {
    const NativeMethod* m = t->find(name);
    if (!m) return Value();
    found = true;
    return m->fn(in, obj, args);
  }
  if (obj.is(ObjKind::Set)) return set_method(in, obj, name, args, found);
  if (obj.is(ObjKind::Coroutine)) return frame_object_method(in, obj, name, args, found);
  return Value();
}

// `obj.name` used as a value, for a native method: a builtin bound to
// (receiver, name) packed in a tuple.
Value bind_native_method(const Value& obj, const char* name) {
  Value packed = make_tuple({obj, make_str(name)});
  return Value(new BuiltinObj(name, [](Interp& in, const Value& self, CallArgs& a) -> Value {
    const auto& t = self.as<TupleObj>()->items;
    bool found = false;
    Value r = call_native_method(in, t[0], str_of(t[1]), a, found);
    if (!found) no_attr(in, t[0], str_of(t[1]));
    return r;
  }, packed));
}

}  // namespace

Value Interp::call_method(const Value& obj, const std::string& name, CallArgs& args, const Expr* site) {
  bool found = false;
  Value r = call_native_method(*this, obj, name, args, found);
  if (found) return r;
  // no other attributes to look up (a namedtuple's fields are attributes)
  if (native_methods(obj) && !is_named_tuple(obj)) no_attr(*this, obj, name);
  Value fn = get_attr(obj, name);
  return call(fn, args, site);
}

// ---- inline caches -------------------------------------------------------------------
// An instance without extra fields has its class's declared fields in
// declaration order, so for one class a field name is always at one index
// and a name that is not a field always finds the same class function.
// Each Attr expression remembers that for the last class it met (keyed on
// the class's unique id), and skips the lookups by name.

namespace {

// A name common_attr may answer for any object (__class__, __dict__,
// __doc__ ...): get_attr asks it first, and caches pass such names by.
bool dunder_name(const std::string& name) {
  return name.size() > 4 && name[0] == '_' && name[1] == '_';
}

// A module's attributes are a list of (name, value) that only grows or has
// values replaced, so a name found at an index stays there: the Attr
// expression (asyncio.sleep, asyncio.Queue) remembers the index, checked by
// the name, and skips the search. ic_type goes to 0: the index must not
// pass for an instance's field. Dunder names take get_attr's way, where
// common_attr answers before the module's own attributes.
const Value* module_attr_at(const Value& obj, const Expr& attr) {
  const auto& attrs = obj.as<ModuleObj>()->attrs;
  const std::string& name = attr.name;
  if (dunder_name(name)) return nullptr;
  if (attr.ic_field < attrs.size() && attrs[attr.ic_field].first == name) return &attrs[attr.ic_field].second;
  size_t i = obj.as<ModuleObj>()->index_of(name);
  if (i == attrs.size()) return nullptr;
  attr.ic_type = 0;
  attr.ic_method = nullptr;
  attr.ic_field = uint32_t(i);
  return &attrs[i].second;
}

}  // namespace

Value Interp::get_attr_at(const Value& obj, const Expr& attr) {
  if (obj.is(ObjKind::Module)) {
    if (const Value* v = module_attr_at(obj, attr)) return *v;
    return get_attr(obj, attr.name);
  }
  if (obj.is(ObjKind::Instance)) {
    InstanceObj* inst = obj.as<InstanceObj>();
    if (!inst->extra_fields) {
      if (attr.ic_type == inst->type->id && !attr.ic_method && attr.ic_field < inst->fields.size())
        return inst->fields[attr.ic_field].second;
      for (size_t i = 0; i < inst->fields.size(); ++i)
        if (*inst->fields[i].first == attr.name) {
          attr.ic_type = inst->type->id;
          attr.ic_field = uint32_t(i);
          attr.ic_method = nullptr;
          return inst->fields[i].second;
        }
    }
  }
  return get_attr(obj, attr.name);
}

void Interp::set_attr_at(const Value& obj, const Expr& attr, Value v) {
  if (obj.is(ObjKind::Instance)) {
    InstanceObj* inst = obj.as<InstanceObj>();
    if (!inst->extra_fields) {
      if (attr.ic_type == inst->type->id && !attr.ic_method && attr.ic_field < inst->fields.size()) {
        inst->fields[attr.ic_field].second = std::move(v);
        return;
      }
      for (size_t i = 0; i < inst->fields.size(); ++i)
        if (*inst->fields[i].first == attr.name) {
          attr.ic_type = inst->type->id;
          attr.ic_field = uint32_t(i);
          attr.ic_method = nullptr;
          inst->fields[i].second = std::move(v);
          return;
        }
    }
  }
  set_attr(obj, attr.name, std::move(v));
}

const FunctionObj* Interp::instance_method_at(const Value& obj, const Expr& attr) {
  if (!obj.is(ObjKind::Instance)) return nullptr;
  InstanceObj* inst = obj.as<InstanceObj>();
  if (inst->extra_fields) return nullptr;
  if (attr.ic_type != inst->type->id || !attr.ic_method) {
    const Value* cv = inst->find(attr.name) ? nullptr : inst->type->find_attr(attr.name);
    if (!cv || !cv->is(ObjKind::Function)) return nullptr;
    attr.ic_type = inst->type->id;
    attr.ic_method = cv->as<FunctionObj>();
  }
  return attr.ic_method;
}

Value Interp::call_method_at(const Value& obj, const Expr& attr, CallArgs& args, const Expr* site) {
  if (obj.is(ObjKind::Module)) {
    // (a module has no native methods: call_method would get the attribute)
    if (const Value* fn = module_attr_at(obj, attr)) {
      Value callee = *fn;  // a copy: the call may rebind or add the module's attributes, moving or freeing *fn
      return call(callee, args, site);
    }
    return call_method(obj, attr.name, args, site);
  }
  if (const FunctionObj* fn = instance_method_at(obj, attr)) {
    // What calling the bound method get_attr would make does, without making it.
    if (fn->code->makes_frame_object()) return make_coroutine(fn, args, site, obj);
    return call_function(fn, args, site, obj);
  }
  return call_method(obj, attr.name, args, site);
}

// Dunder attributes every object, or every callable, has in CPython.
bool common_attr(Interp& in, const Value& obj, const std::string& name, Value& out) {
  if (name_is(name, "__class__") && !obj.is(ObjKind::Loop)) {  // (the loop has no TypeObj)
    out = Value(in.type_of(obj));
    return true;
  }
  bool named = name_is(name, "__name__"), qualified = name_is(name, "__qualname__"), module = name_is(name, "__module__");
  if (!named && !qualified && !module) return false;
  if (obj.is(ObjKind::BoundMethod)) {  // delegated to the function
    const Value& fn = obj.as<BoundMethodObj>()->func;
    return fn.is(ObjKind::Function) && common_attr(in, fn, name, out);
  }
  if (obj.is(ObjKind::Function)) {
    const FunctionObj& fn = *obj.as<FunctionObj>();
    if (module) out = fn.attrs && !fn.attrs->module.is_unbound() ? fn.attrs->module : make_str("__main__");
    else out = make_str(qualified ? function_qualname(fn) : function_name(fn));
    return true;
  }
  if (obj.is(ObjKind::Builtin)) {
    out = module ? (obj.as<BuiltinObj>()->self.is_none() ? make_str("builtins") : Value()) : make_str(obj.as<BuiltinObj>()->name);
    return true;
  }
  if (obj.is(ObjKind::Module) && named) {
    out = make_str(obj.as<ModuleObj>()->name);
    return true;
  }
  // Instances of classes written in Python (Counter and namedtuples are),
  // and of ExceptionGroup (a heap type in CPython); other builtin exceptions have none.
  if (module && (obj.is(ObjKind::Instance) || is_counter(obj) || is_named_tuple(obj) ||
                 (obj.is(ObjKind::Exception) && (in.type_of(obj)->module != "builtins" ||
                                                 in.type_of(obj)->is_subclass_of(in.builtins().BaseExceptionGroup))))) {
    out = make_str(in.type_of(obj)->module);
    return true;
  }
  return false;
}

namespace {

using NativeAttr = AttrTable::Entry;

// BaseException's args, __cause__, __context__; StopIteration.value; an
// exception group's message and exceptions. Its other attributes
// (__traceback__, __notes__ ...) are exceptions_full.cpp's exception_attr.
// UnicodeDecodeError / UnicodeEncodeError made with CPython's five args
// (encoding, object, start, end, reason): the field named by position i.
bool unicode_error_field(Interp& in, const Value& o, size_t i, Value& out) {
  ExcObj* e = o.as<ExcObj>();
  const Builtins& B = in.builtins();
  if (e->args.size() != 5 || !(e->type->is_subclass_of(B.UnicodeDecodeError) || e->type->is_subclass_of(B.UnicodeEncodeError)))
    return false;
  out = e->args[i];
  return true;
}

const AttrTable& exception_attrs() {
  static const AttrTable table{
      {"args", [](Interp&, const Value& o, Value& out) { out = make_tuple(o.as<ExcObj>()->args); return true; }},
      {"__class__", [](Interp&, const Value& o, Value& out) { out = Value(o.as<ExcObj>()->type); return true; }},
      {"__cause__", [](Interp&, const Value& o, Value& out) { out = o.as<ExcObj>()->cause; return true; }},
      {"__context__", [](Interp&, const Value& o, Value& out) { out = o.as<ExcObj>()->context; return true; }},
      {"value", [](Interp& in, const Value& o, Value& out) {
         ExcObj* e = o.as<ExcObj>();
         if (!e->type->is_subclass_of(in.builtins().StopIteration)) return false;
         out = e->args.empty() ? Value() : e->args[0];
         return true;
       }},
      {"message", [](Interp& in, const Value& o, Value& out) {
         ExcObj* e = o.as<ExcObj>();
         if (!e->type->is_subclass_of(in.builtins().BaseExceptionGroup) || e->args.size() != 2) return false;
         out = e->args[0];
         return true;
       }},
      {"exceptions", [](Interp& in, const Value& o, Value& out) {
         ExcObj* e = o.as<ExcObj>();
         if (!e->type->is_subclass_of(in.builtins().BaseExceptionGroup) || e->args.size() != 2) return false;
         out = e->args[1];
         return true;
       }},
      {"encoding", [](Interp& in, const Value& o, Value& out) { return unicode_error_field(in, o, 0, out); }},
      {"object", [](Interp& in, const Value& o, Value& out) { return unicode_error_field(in, o, 1, out); }},
      {"start", [](Interp& in, const Value& o, Value& out) { return unicode_error_field(in, o, 2, out); }},
      {"end", [](Interp& in, const Value& o, Value& out) { return unicode_error_field(in, o, 3, out); }},
      {"reason", [](Interp& in, const Value& o, Value& out) { return unicode_error_field(in, o, 4, out); }},
      {"errno", [](Interp& in, const Value& o, Value& out) { return os_error_attr(in, o, "errno", out); }},
      {"strerror", [](Interp& in, const Value& o, Value& out) { return os_error_attr(in, o, "strerror", out); }},
      {"filename", [](Interp& in, const Value& o, Value& out) { return os_error_attr(in, o, "filename", out); }},
      {"filename2", [](Interp& in, const Value& o, Value& out) { return os_error_attr(in, o, "filename2", out); }},
  };
  return table;
}

// A coroutine's, generator's or async generator's names and running flag
// (cr_running on a coroutine, gi_running on a generator, ag_running on an
// async generator: each only on its own kind).
const AttrTable& frame_object_attrs() {
  static const AttrTable table{
      {"__name__", [](Interp&, const Value& o, Value& out) { out = make_str(coro_name(*o.as<CoroObj>())); return true; }},
      {"__qualname__", [](Interp&, const Value& o, Value& out) { out = make_str(coro_qualname(*o.as<CoroObj>())); return true; }},
      {"cr_running", [](Interp&, const Value& o, Value& out) {
         const CodeObject* code = o.as<CoroObj>()->frame.code;
         if (!code->is_coroutine || code->is_async_gen) return false;
         out = Value::boolean(o.as<CoroObj>()->state == CoroObj::State::Running);
         return true;
       }},
      {"gi_running", [](Interp&, const Value& o, Value& out) {
         if (!o.as<CoroObj>()->frame.code->is_generator) return false;
         out = Value::boolean(o.as<CoroObj>()->state == CoroObj::State::Running);
         return true;
       }},
      {"ag_running", [](Interp&, const Value& o, Value& out) {
         if (!o.as<CoroObj>()->frame.code->is_async_gen) return false;
         out = Value::boolean(o.as<CoroObj>()->state == CoroObj::State::Running);
         return true;
       }},
  };
  return table;
}

const AttrTable& range_attrs() {
  static const AttrTable table{
      {"start", [](Interp&, const Value& o, Value& out) { out = Value::integer(o.as<RangeObj>()->start); return true; }},
      {"stop", [](Interp&, const Value& o, Value& out) { out = Value::integer(o.as<RangeObj>()->stop); return true; }},
      {"step", [](Interp&, const Value& o, Value& out) { out = Value::integer(o.as<RangeObj>()->step); return true; }},
  };
  return table;
}

}  // namespace

// ---- a function's own attributes (funcobject.c's func_getsetlist and __dict__)

namespace {

FunctionAttrs& function_attrs(FunctionObj* fn) {
  if (!fn->attrs) fn->attrs = std::make_unique<FunctionAttrs>();
  return *fn->attrs;
}

DictObj& function_dict(FunctionObj* fn) {
  FunctionAttrs& a = function_attrs(fn);
  if (!a.dict) a.dict = Ref<DictObj>(new DictObj());
  return *a.dict;
}

// __doc__, __dict__, __annotations__ and what the program set; the names
// are common_attr's.
bool function_attr(FunctionObj* fn, const std::string& name, Value& out) {
  if (name_is(name, "__doc__")) {
    out = fn->attrs ? fn->attrs->doc : Value();
    return true;
  }
  if (name_is(name, "__dict__")) {
    out = Value(Ref<DictObj>(&function_dict(fn)));
    return true;
  }
  if (name_is(name, "__annotations__")) {  // func_get_annotations: an empty dict, kept once read
    FunctionAttrs& a = function_attrs(fn);
    if (a.annotations.is_unbound()) a.annotations = Value(Ref<DictObj>(new DictObj()));
    out = a.annotations;
    return true;
  }
  if (!fn->attrs || !fn->attrs->dict) return false;
  if (Value* v = fn->attrs->dict->find(make_str(name))) {
    out = *v;
    return true;
  }
  return false;
}

// func_set_name, func_set_qualname, func_set_dict ...: the names must be
// str, __dict__ a dict; anything else goes into __dict__.
void set_function_attr(Interp& in, FunctionObj* fn, const std::string& name, Value v) {
  bool named = name_is(name, "__name__"), qualified = name_is(name, "__qualname__");
  if (named || qualified) {
    if (!v.is(ObjKind::Str)) in.raise(in.builtins().TypeError, name + " must be set to a string object");
    FunctionAttrs& a = function_attrs(fn);
    // A new tuple: coroutines made before keep the names they were made with.
    Value kept = make_str(named ? function_qualname(*fn) : function_name(*fn));
    a.names = Ref<TupleObj>(new TupleObj(named ? std::vector<Value>{std::move(v), std::move(kept)}
                                               : std::vector<Value>{std::move(kept), std::move(v)}));
    return;
  }
  if (name_is(name, "__module__")) { function_attrs(fn).module = std::move(v); return; }
  if (name_is(name, "__doc__")) { function_attrs(fn).doc = std::move(v); return; }
  if (name_is(name, "__annotations__")) {
    if (!v.is(ObjKind::Dict) && !v.is_none()) in.raise(in.builtins().TypeError, "__annotations__ must be set to a dict object");
    function_attrs(fn).annotations = std::move(v);
    return;
  }
  if (name_is(name, "__dict__")) {
    if (!v.is(ObjKind::Dict))
      in.raise(in.builtins().TypeError, "__dict__ must be set to a dictionary, not a '" + in.type_of(v)->name + "'");
    function_attrs(fn).dict = Ref<DictObj>(v.as<DictObj>());
    return;
  }
  function_dict(fn).set(make_str(name), std::move(v));
}

}  // namespace

Value Interp::get_attr(const Value& obj, const std::string& name) {
  if (dunder_name(name)) {
    Value v;
    if (common_attr(*this, obj, name, v)) return v;
  }
  if (obj.is(ObjKind::Loop)) return loop_attribute(*this, obj, name);
  if (obj.is(ObjKind::Module)) {
    if (const Value* v = obj.as<ModuleObj>()->find(name)) return *v;
    no_attr(*this, obj, name);
  }
  if (obj.is(ObjKind::Instance)) {
    InstanceObj* inst = obj.as<InstanceObj>();
    if (Value* v = inst->find(name)) return *v;
    if (const Value* cv = inst->type->find_attr(name)) {
      if (cv->is(ObjKind::Function) || (cv->is(ObjKind::Builtin) && cv->as<BuiltinObj>()->binds))
        return Value(new BoundMethodObj(obj, *cv));
      Value v;
      if (descriptor_get(*this, *cv, obj, inst->type, name, v)) return v;
      return *cv;
    }
    if (name_is(name, "__dict__")) {  // a copy: corun keeps fields in the instance
      Ref<DictObj> d(new DictObj());
      for (auto& [k, v] : inst->fields) d->set(make_str(*k), v);
      return Value(d);
    }
    if (name_is(name, "__doc__")) return Value();
    no_attr(*this, obj, name);
  }
  if (obj.is(ObjKind::Type)) {
    TypeObj* t = obj.as<TypeObj>();
    if (name_is(name, "__name__") || name_is(name, "__qualname__")) return make_str(t->name);
    if (name_is(name, "__module__")) return make_str(t->module);
    Value v;
    if (t->base == builtins_->tuple && namedtuple_class_attr(*this, t, name, v)) return v;
    if (const Value* cv = t->find_attr(name)) return descriptor_get(*this, *cv, Value::unbound(), t, name, v) ? v : *cv;
    if (type_attr(*this, t, name, v)) return v;
    no_attr(*this, obj, name);
  }
  if (obj.is(ObjKind::Exception)) {
    ExcObj* e = obj.as<ExcObj>();
    Value v;
    if (const NativeAttr* a = exception_attrs().find(name); a && a->fn(*this, obj, v)) return v;
    if (e->attrs.is(ObjKind::Dict)) if (Value* v = e->attrs.as<DictObj>()->find(make_str(name))) return *v;
    if (const Value* cv = e->type->find_attr(name)) {
      if (cv->is(ObjKind::Function)) return Value(new BoundMethodObj(obj, *cv));
      return descriptor_get(*this, *cv, obj, e->type, name, v) ? v : *cv;
    }
    if (exception_attr(*this, obj, name, v)) return v;
    no_attr(*this, obj, name);
  }
  if (obj.is(ObjKind::Function)) {
    Value v;
    if (function_attr(obj.as<FunctionObj>(), name, v)) return v;
  }
  if (obj.is(ObjKind::Coroutine) || obj.is(ObjKind::Range)) {
    const AttrTable& table = obj.is(ObjKind::Coroutine) ? frame_object_attrs() : range_attrs();
    Value v;
    if (const NativeAttr* a = table.find(name); a && a->fn(*this, obj, v)) return v;
  }
  if (obj.is_integer()) {
    if (name_is(name, "real") || name_is(name, "numerator")) return int_plain(obj);
    if (name_is(name, "imag")) return Value::integer(0);
    if (name_is(name, "denominator")) return Value::integer(1);
  }
  if (obj.is_float()) {
    if (name_is(name, "real")) return obj;
    if (name_is(name, "imag")) return Value::flt(0.0);
  }
  if (obj.is(ObjKind::Deque) && name_is(name, "maxlen")) {
    int64_t maxlen = obj.as<DequeObj>()->maxlen;
    return maxlen < 0 ? Value() : Value::integer(maxlen);
  }
  if (obj.is(ObjKind::Dict) || obj.is(ObjKind::Tuple)) {
    Value v;
    if (collections_get_attr(*this, obj, name, v)) return v;
  }
  // A method used as a value: bind it.
  if (const char* method = native_method_name(obj, name)) return bind_native_method(obj, method);
  no_attr(*this, obj, name);
}

void Interp::set_attr(const Value& obj, const std::string& name, Value v) {
  if (obj.is(ObjKind::Instance)) {
    InstanceObj* inst = obj.as<InstanceObj>();
    if (Value* slot = inst->find(name)) {
      *slot = std::move(v);
    } else {
      // A property (a data descriptor) takes the assignment.
      if (const Value* cv = inst->type->find_attr(name); cv && descriptor_set(*this, *cv, obj, name, v)) return;
      inst->fields.emplace_back(intern_field_name(name), std::move(v));
      inst->extra_fields = true;
    }
    return;
  }
  if (obj.is(ObjKind::Exception)) {
    ExcObj* e = obj.as<ExcObj>();
    if (set_exception_attr(*this, obj, name, v)) return;
    if (const Value* cv = e->type->find_attr(name); cv && descriptor_set(*this, *cv, obj, name, v)) return;
    if (!e->attrs.is(ObjKind::Dict)) e->attrs = Value(new DictObj());
    e->attrs.as<DictObj>()->set(make_str(name), std::move(v));
    return;
  }
  // A namedtuple class keeps its fields in class_attrs, which must stay what namedtuple made.
  if (obj.is(ObjKind::Type) && obj.as<TypeObj>()->base == builtins_->tuple && obj.as<TypeObj>()->tkind == TypeKind::Builtin)
    raise(builtins_->AttributeError, "corun does not support setting attributes on namedtuple classes (setting '" + name + "')");
  // A scenario class's attribute: shared by every instance.
  if (obj.is(ObjKind::Type) && obj.as<TypeObj>()->module == "__main__") {
    for (auto& [k, cv] : obj.as<TypeObj>()->class_attrs)
      if (k == name) {
        // Inline caches hold methods by address: a method stays what it is.
        if (cv.is(ObjKind::Function))
          raise(builtins_->AttributeError, "corun does not support replacing the method '" + name + "' of a class");
        cv = std::move(v);
        return;
      }
    obj.as<TypeObj>()->class_attrs.emplace_back(name, std::move(v));
    return;
  }
  if (obj.is(ObjKind::Function)) {
    set_function_attr(*this, obj.as<FunctionObj>(), name, std::move(v));
    return;
  }
  // CPython lets these take new attributes (they have a __dict__); corun
  // keeps none, and says so rather than claim Python would refuse.
  if (obj.is(ObjKind::Future) || obj.is(ObjKind::Task) || obj.is(ObjKind::Module) ||
      obj.is(ObjKind::Loop) || obj.is(ObjKind::Type))
    raise(builtins_->AttributeError, "corun does not support setting attributes on " +
                                         (obj.is(ObjKind::Type) ? "classes" : "'" + attr_type_name(*this, obj) + "' objects") +
                                         " (setting '" + name + "')");
  if ((obj.is(ObjKind::Dict) || obj.is(ObjKind::Tuple)) && collections_set_attr(*this, obj, name, v)) return;
  if (obj.is(ObjKind::BoundMethod))  // method_setattro does not delegate
    raise(builtins_->AttributeError, "'method' object has no attribute '" + name + "'");
  // A builtin type's method: CPython's generic setattr finds it read-only.
  if (native_method_name(obj, name))
    raise(builtins_->AttributeError, "'" + attr_type_name(*this, obj) + "' object attribute '" + name + "' is read-only");
  no_attr(*this, obj, name);
}

// Calling a user class: fields get their defaults, then __init__ (a plain
// method) runs with the call's arguments.
Value instantiate_class(Interp& in, TypeObj* t, CallArgs& args, const Expr* site) {
  Ref<InstanceObj> inst(new InstanceObj(t));
  init_fields(in, inst.get());
  if (const Value* init = t->find_attr("__init__")) {
    in.call(Value(new BoundMethodObj(Value(inst), *init)), args, site);
  } else if (args.npos || args.nkw) {
    // With fields, `corun export` writes an __init__ that sets them; Python
    // then names that __init__ in the message.
    bool has_fields = false;
    for (const TypeObj* c = t; c && c->tkind == TypeKind::UserClass; c = c->base) has_fields |= !c->field_exprs.empty();
    if (!has_fields) in.raise(in.builtins().TypeError, t->name + "() takes no arguments");
    if (args.nkw) in.raise(in.builtins().TypeError, t->name + ".__init__() got an unexpected keyword argument '" + args.kwnames[0] + "'");
    in.raise(in.builtins().TypeError, t->name + ".__init__() takes 1 positional argument but " + std::to_string(args.npos + 1) + " were given");
  }
  return Value(inst);
}

}  // namespace corun
