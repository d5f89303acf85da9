// value.h's plain data: the constructors (make_str, make_int, ...), ranges'
// lengths, and Python's == and hash over corun's values (values_equal and
// value_hash: equal values hash alike, as the dict's index relies on).
#include "engine/compile/code.h"
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "engine/python/builtins.h"
#include "engine/python/bytes.h"
#include "engine/python/classes.h"
#include "engine/python/collections_module.h"
#include "engine/python/pyformat.h"
#include "engine/python/recursion.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {


Value make_str(std::string s) { return Value(new StrObj(std::move(s))); }

Value make_int(BigInt v) {
  if (v.fits_int64()) return Value::integer(v.to_int64());
  return Value(new BigIntObj(std::move(v)));
}

BigInt to_bigint(const Value& v) { return v.is_bigint() ? v.as<BigIntObj>()->v : BigInt(v.as_int()); }

double Value::as_double() const {
  if (kind_ == VKind::Float) return f_;
  if (kind_ != VKind::Obj) return double(i_);
  try {
    return as<BigIntObj>()->v.to_double();
  } catch (const std::overflow_error& e) {
    if (Interp* in = current_interp()) in->raise(in->builtins().OverflowError, e.what());
    throw;
  }
}
Value make_list(std::vector<Value> v) { return Value(new ListObj(std::move(v))); }
Value make_tuple(std::vector<Value> v) { return Value(new TupleObj(std::move(v))); }

unsigned __int128 RangeObj::length_wide() const {
  if (step > 0 && start < stop) return (unsigned __int128)(((__int128)stop - start - 1) / step + 1);
  if (step < 0 && start > stop) return (unsigned __int128)(((__int128)start - stop - 1) / -(__int128)step + 1);
  return 0;
}

int64_t RangeObj::length() const {
  unsigned __int128 n = length_wide();
  if (n > (unsigned __int128)INT64_MAX) {
    if (Interp* in = current_interp()) in->raise(in->builtins().OverflowError, "Python int too large to convert to C ssize_t");
    return INT64_MAX;
  }
  return int64_t(n);
}

void native_recursion_overflow(const char* where) {
  --g_native_depth;  // the level that failed is not entered
  std::string message = std::string("maximum recursion depth exceeded") + where;
  if (Interp* in = current_interp()) in->raise(in->builtins().RecursionError, message);
  throw std::runtime_error(message);  // no interpreter (unit tests of plain data)
}

bool in_user_class(const Value& v) {
  for (const TypeObj* t = current_interp()->type_of(v); t; t = t->base)
    if (!t->class_attrs.empty()) return true;
  return false;
}

bool values_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_double() == b.as_double();
    if (a.is_intlike() && b.is_intlike()) return a.as_int() == b.as_int();
    return to_bigint(a) == to_bigint(b);
  }
  if (may_have_dunders(a) || may_have_dunders(b))
    if (has_user_dunder(a, "__eq__") || has_user_dunder(b, "__eq__")) return user_equal(*current_interp(), a, b);
  if (a.kind() != b.kind()) return false;
  if (a.is_none()) return true;
  if (!a.is_obj()) return a.same(b);
  if (a.obj() == b.obj()) return true;
  if (a.is(ObjKind::DictView) || b.is(ObjKind::DictView)) return dict_view_equal(a, b);
  if (a.obj()->okind != b.obj()->okind) return false;
  switch (a.obj()->okind) {
    case ObjKind::Str: return str_of(a) == str_of(b);
    case ObjKind::Bytes: return bytes_of(a) == bytes_of(b);
    case ObjKind::Set: return pyset::equal(a.as<SetObj>(), b.as<SetObj>());
    case ObjKind::List:
    case ObjKind::Tuple: {
      NativeRecursion guard(" in comparison", 1);
      const auto& x = a.is(ObjKind::List) ? a.as<ListObj>()->items : a.as<TupleObj>()->items;
      const auto& y = b.is(ObjKind::List) ? b.as<ListObj>()->items : b.as<TupleObj>()->items;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) if (!values_equal(x[i], y[i])) return false;
      return true;
    }
    case ObjKind::Deque: {
      NativeRecursion guard(" in comparison", 1);
      const auto& x = a.as<DequeObj>()->items;
      const auto& y = b.as<DequeObj>()->items;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) if (!values_equal(x[i], y[i])) return false;
      return true;
    }
    case ObjKind::Dict: {
      NativeRecursion guard(" in comparison", 1);
      auto* x = a.as<DictObj>();
      auto* y = b.as<DictObj>();
      if (x->flavor != DictObj::Flavor::Plain && y->flavor != DictObj::Flavor::Plain)
        if (bool eq = false; collections_dict_equal(a, b, eq)) return eq;
      if (x->entries.size() != y->entries.size()) return false;
      for (auto& [k, v] : x->entries) {
        Value* w = y->find(k);
        if (!w || !values_equal(v, *w)) return false;
      }
      return true;
    }
    case ObjKind::Range: {
      auto* x = a.as<RangeObj>();
      auto* y = b.as<RangeObj>();
      return x->length() == y->length() && (x->length() == 0 || (x->start == y->start && (x->length() == 1 || x->step == y->step)));
    }
    case ObjKind::BoundMethod: {  // the same function bound to the same object (method_richcompare)
      auto* x = a.as<BoundMethodObj>();
      auto* y = b.as<BoundMethodObj>();
      return x->self.same(y->self) && x->func.same(y->func);
    }
    case ObjKind::Builtin: {  // a native method bound to the same object
      auto* x = a.as<BuiltinObj>();
      auto* y = b.as<BuiltinObj>();
      if (x->fn != y->fn || std::strcmp(x->name, y->name) != 0 || x->self.is_none() || y->self.is_none()) return false;
      if (x->self.same(y->self)) return true;
      // bind_native_method packs (receiver, name) in a tuple
      if (!x->self.is(ObjKind::Tuple) || !y->self.is(ObjKind::Tuple)) return false;
      const auto& p = x->self.as<TupleObj>()->items;
      const auto& q = y->self.as<TupleObj>()->items;
      return p.size() == 2 && q.size() == 2 && p[0].same(q[0]) && values_equal(p[1], q[1]);
    }
    default: return false;
  }
}

size_t value_hash(const Value& v) {
  if (v.is_intlike()) return std::hash<int64_t>()(v.as_int());
  if (v.is_bigint()) return v.as<BigIntObj>()->v.hash();
  if (v.is_float()) {
    double d = v.as_float();
    if (d == std::floor(d) && std::fabs(d) < 9e18) return std::hash<int64_t>()(int64_t(d));
    return std::hash<double>()(d);
  }
  if (v.is(ObjKind::Str)) return std::hash<std::string>()(str_of(v));
  if (v.is(ObjKind::Bytes)) return std::hash<std::string>()(bytes_of(v));  // as CPython: hash(b"a") == hash("a")
  if (v.is(ObjKind::Set)) {  // a frozenset key: CPython's hash, independent of order as equality is
    Interp* in = current_interp();
    return in ? size_t(py_hash(*in, v).value) : 0;
  }
  if (v.is(ObjKind::Tuple)) {
    // CPython 3.11's tuplehash does not check and crashes; corun raises.
    NativeRecursion guard("");
    size_t h = 0x345678;
    for (auto& x : v.as<TupleObj>()->items) h = h * 1000003 ^ value_hash(x);
    return h;
  }
  if (v.is(ObjKind::BoundMethod))
    return value_hash(v.as<BoundMethodObj>()->self) * 31 ^ std::hash<const void*>()(v.as<BoundMethodObj>()->func.obj());
  if (may_have_dunders(v) && in_user_class(v)) return user_hash(*current_interp(), v);
  if (v.is_obj()) return std::hash<const void*>()(v.obj());
  return 0;
}

}  // namespace corun
