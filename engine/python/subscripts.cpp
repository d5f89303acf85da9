// Subscripts, slices and iteration: x[i], x[a:b:c], iter(x), next(it), and
// the list a C++ caller gets from an iterable (to_vector / take_vector).
// Strings index by code point; ASCII text takes the byte path.
#include "engine/python/subscripts.h"

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
#include "engine/vm/closures.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

// Code-point boundaries of a UTF-8 string (only built for non-ASCII text).
// Linear in the string, on every index or slice of non-ASCII text: charged.
std::vector<size_t> code_points(const std::string& s) {
  reserve(checked_mul(s.size(), sizeof(size_t)));
  charge(s.size() / 4);
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  return starts;
}

bool is_ascii(const std::string& s) {
  charge(s.size() / kBytesPerUnit);
  for (unsigned char c : s) if (c >= 0x80) return false;
  return true;
}

}  // namespace

// iter(x) for an instance: its __iter__, whose result has __next__ (an
// instance, wrapped so that `for` can step it) or is a builtin iterator.
static Value user_iter(Interp& in, const Value& v) {
  const FunctionObj* f = user_method_of(v, "__iter__");
  if (!f) in.raise(in.builtins().TypeError, "'" + in.type_of(v)->name + "' object is not iterable");
  Value it = call_dunder(in, v, f, {});
  if (it.is(ObjKind::Iterator)) return it;
  if (!user_method_of(it, "__next__"))
    in.raise(in.builtins().TypeError, "iter() returned non-iterator of type '" + in.type_of(it)->name + "'");
  Ref<IteratorObj> wrapper(new IteratorObj(IteratorObj::Kind::User));
  wrapper->source = it;
  return Value(wrapper);
}

// next(it) for an instance: its __next__; StopIteration ends the loop.
static bool user_next(Interp& in, const Value& it, Value& out) {
  try {
    out = call_dunder(in, it, user_method_of(it, "__next__"), {});
    return true;
  } catch (PyException& e) {
    if (e.exc.is(ObjKind::Exception) && e.exc.as<ExcObj>()->type->is_subclass_of(in.builtins().StopIteration)) return false;
    throw;
  }
}

Value Interp::subscript(const Value& obj, const Value& index) {
  if (obj.is(ObjKind::Instance)) {
    if (const FunctionObj* f = user_method_of(obj, "__getitem__")) return call_dunder(*this, obj, f, {index});
    raise(builtins_->TypeError, "'" + type_of(obj)->name + "' object is not subscriptable");
  }
  if (obj.is(ObjKind::Dict)) {
    Value* v = obj.as<DictObj>()->find(index);
    if (!v) {
      if (obj.as<DictObj>()->flavor != DictObj::Flavor::Plain) return dict_missing(*this, obj, index);  // __missing__
      throw PyException{make_exception_args(builtins_->KeyError, {index})};
    }
    return *v;
  }
  auto seq_index = [&](int64_t len, const char* what) -> size_t {
    if (index.is_bigint()) raise(builtins_->IndexError, "cannot fit 'int' into an index-sized integer");
    if (!index.is_intlike())
      raise(builtins_->TypeError, std::string(what) + " indices must be integers or slices, not " + type_of(index)->name);
    int64_t i = index.as_int();
    if (i < 0) i += len;
    if (i < 0 || i >= len) raise(builtins_->IndexError, std::string(what) + " index out of range");
    return size_t(i);
  };
  if (obj.is(ObjKind::List)) {
    auto& items = obj.as<ListObj>()->items;
    return items[seq_index(int64_t(items.size()), "list")];
  }
  if (obj.is(ObjKind::Deque)) {
    auto& items = obj.as<DequeObj>()->items;
    return items[seq_index(int64_t(items.size()), "deque")];
  }
  if (obj.is(ObjKind::Tuple)) {
    auto& items = obj.as<TupleObj>()->items;
    return items[seq_index(int64_t(items.size()), "tuple")];
  }
  if (obj.is(ObjKind::Bytes)) {  // an int; bytes' messages say "index" and "byte indices"
    const std::string& s = bytes_of(obj);
    if (index.is_bigint()) raise(builtins_->IndexError, "cannot fit 'int' into an index-sized integer");
    if (!index.is_intlike())
      raise(builtins_->TypeError, "byte indices must be integers or slices, not " + type_of(index)->name);
    int64_t i = index.as_int();
    if (i < 0) i += int64_t(s.size());
    if (i < 0 || i >= int64_t(s.size())) raise(builtins_->IndexError, "index out of range");
    return Value::integer(static_cast<unsigned char>(s[size_t(i)]));
  }
  if (obj.is(ObjKind::Str)) {
    const std::string& s = str_of(obj);
    if (is_ascii(s)) return make_str(std::string(1, s[seq_index(int64_t(s.size()), "string")]));
    auto cps = code_points(s);
    size_t i = seq_index(int64_t(cps.size()), "string");
    size_t end = i + 1 < cps.size() ? cps[i + 1] : s.size();
    return make_str(s.substr(cps[i], end - cps[i]));
  }
  if (obj.is(ObjKind::Range)) {
    auto* r = obj.as<RangeObj>();
    size_t i = seq_index(r->length(), "range object");
    return Value::integer(r->start + int64_t(i) * r->step);
  }
  raise(builtins_->TypeError, "'" + type_of(obj)->name + "' object is not subscriptable");
}

SliceIndices slice_indices(Interp& in, int64_t len, const Value& lo, const Value& hi, const Value& st) {
  // Like CPython's _PyEval_SliceIndex, an index past 64 bits is clamped.
  auto idx = [&](const Value& v) -> int64_t {
    if (v.is_bigint()) return v.as<BigIntObj>()->v.is_negative() ? INT64_MIN : INT64_MAX;
    if (!v.is_intlike()) in.raise(in.builtins().TypeError, "slice indices must be integers or None or have an __index__ method");
    return v.as_int();
  };
  int64_t step = st.is_none() ? 1 : idx(st);
  if (step == 0) in.raise(in.builtins().ValueError, "slice step cannot be zero");
  if (step < -INT64_MAX) step = -INT64_MAX;  // PySlice_Unpack: -step must not overflow
  int64_t start, stop;
  if (lo.is_none()) start = step > 0 ? 0 : len - 1;
  else { start = idx(lo); if (start < 0) start += len; start = step > 0 ? std::clamp<int64_t>(start, 0, len) : std::clamp<int64_t>(start, -1, len - 1); }
  if (hi.is_none()) stop = step > 0 ? len : -1;
  else { stop = idx(hi); if (stop < 0) stop += len; stop = step > 0 ? std::clamp<int64_t>(stop, 0, len) : std::clamp<int64_t>(stop, -1, len - 1); }
  const __int128 span = step > 0 ? __int128(stop) - start : __int128(start) - stop;
  const __int128 abs_step = step > 0 ? __int128(step) : -__int128(step);
  return SliceIndices{start, step, span <= 0 ? 0 : size_t((span + abs_step - 1) / abs_step)};
}

Value slice_value(Interp& in, const Value& obj, const Value& lo, const Value& hi, const Value& st) {
  // Indices come out of this in order; `count` of them, known before any is
  // taken, so the result is reserved first (and i never steps past int64).
  // item_bytes: what one picked item adds to the result (a Value; one byte for bytes).
  auto pick = [&](int64_t len, auto&& take, size_t item_bytes = sizeof(Value)) {
    const SliceIndices s = slice_indices(in, len, lo, hi, st);
    reserve(checked_mul(s.count, item_bytes));
    charge(s.count / kItemsPerUnit);
    for (size_t k = 0; k < s.count; ++k) take(size_t(__int128(s.start) + __int128(k) * s.step));
    return s.count;
  };
  if (obj.is(ObjKind::List) || obj.is(ObjKind::Tuple)) {
    const auto& items = obj.is(ObjKind::List) ? obj.as<ListObj>()->items : obj.as<TupleObj>()->items;
    std::vector<Value> out;
    pick(int64_t(items.size()), [&](size_t i) { out.push_back(items[i]); });
    return obj.is(ObjKind::List) ? make_list(std::move(out)) : make_tuple(std::move(out));
  }
  if (obj.is(ObjKind::Str)) {
    const std::string& s = str_of(obj);
    std::string out;
    if (is_ascii(s)) {
      pick(int64_t(s.size()), [&](size_t i) { out += s[i]; });
    } else {
      auto cps = code_points(s);
      pick(int64_t(cps.size()), [&](size_t i) {
        size_t end = i + 1 < cps.size() ? cps[i + 1] : s.size();
        out += s.substr(cps[i], end - cps[i]);
      });
    }
    return make_str(std::move(out));
  }
  if (obj.is(ObjKind::Bytes)) {
    const std::string& s = bytes_of(obj);
    std::string out;
    pick(int64_t(s.size()), [&](size_t i) { out += s[i]; }, 1);
    return make_bytes(std::move(out));
  }
  if (obj.is(ObjKind::Range)) {
    auto* r = obj.as<RangeObj>();
    std::vector<Value> out;
    pick(r->length(), [&](size_t i) { out.push_back(Value::integer(r->start + int64_t(i) * r->step)); });
    return make_list(std::move(out));  // corun simplification: a sliced range is a list
  }
  in.raise(in.builtins().TypeError, "'" + in.type_of(obj)->name + "' object is not subscriptable");
}

Value Interp::get_iter(const Value& v) {
  if (v.is(ObjKind::Iterator)) return v;
  if (v.is(ObjKind::Instance)) return user_iter(*this, v);
  if (v.is(ObjKind::List) || v.is(ObjKind::Deque)) {
    Ref<IteratorObj> it(new IteratorObj(v.is(ObjKind::List) ? IteratorObj::Kind::List : IteratorObj::Kind::Deque));
    it->source = v;
    if (v.is(ObjKind::Deque)) it->stop = int64_t(v.as<DequeObj>()->state);
    return Value(it);
  }
  if (v.is(ObjKind::Set) || v.is(ObjKind::Dict) || v.is(ObjKind::DictView)) return live_iterator(v);
  if (v.is(ObjKind::Range)) {
    auto* r = v.as<RangeObj>();
    Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Range));
    it->cur = r->start;
    it->stop = r->stop;
    it->step = r->step;
    return Value(it);
  }
  if (v.is(ObjKind::Coroutine) && v.as<CoroObj>()->frame.code->is_generator) {
    // A generator is its own iterator; the wrapper keeps `for`'s fast path a kind check.
    Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Generator));
    it->source = v;
    return Value(it);
  }
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Seq));
  // These iterators copy what they walk: charged and reserved like a list.
  if (v.is(ObjKind::Tuple)) { reserve_items(v.as<TupleObj>()->items.size()); it->items = v.as<TupleObj>()->items; }
  else if (v.is(ObjKind::Bytes)) it->items = bytes_items(bytes_of(v));
  else if (v.is(ObjKind::Str)) {
    const std::string& s = str_of(v);
    // One string object per character: about 8 instructions' work and 64 bytes each.
    reserve(checked_mul(s.size(), 64));
    charge(s.size() * 8);
    auto cps = code_points(s);
    for (size_t i = 0; i < cps.size(); ++i) {
      size_t end = i + 1 < cps.size() ? cps[i + 1] : s.size();
      it->items.push_back(make_str(s.substr(cps[i], end - cps[i])));
    }
  } else raise(builtins_->TypeError, "'" + type_of(v)->name + "' object is not iterable");
  return Value(it);
}

// One item of each of map's or zip's iterators, in turn, into row. Returns
// the index of the one that ended, or their count when the row is whole;
// the ones before the one that ended have given an item each, which is
// lost, as in CPython's map_next and zip_next.
size_t Interp::next_row(IteratorObj& it, std::vector<Value>& row) {
  row.reserve(it.items.size());
  for (size_t i = 0; i < it.items.size(); ++i) {
    Value x;
    if (!iter_next(it.items[i], x)) return i;
    row.push_back(std::move(x));
  }
  return it.items.size();
}

// zip(strict=True) when argument `ended` (0-based) ran out: zip_next's
// ValueError if the lengths differ, with CPython's wording.
static void zip_strict_check(Interp& in, IteratorObj& it, size_t ended) {
  auto args_before = [](size_t i) { return i == 1 ? std::string(" 1") : "s 1-" + std::to_string(i); };
  if (ended > 0)
    in.raise(in.builtins().ValueError, "zip() argument " + std::to_string(ended + 1) + " is shorter than argument" + args_before(ended));
  for (size_t i = 1; i < it.items.size(); ++i) {
    Value x;
    if (in.iter_next(it.items[i], x))
      in.raise(in.builtins().ValueError, "zip() argument " + std::to_string(i + 1) + " is longer than argument" + args_before(i));
  }
}

bool Interp::iter_next(const Value& itv, Value& out) {
  auto* it = itv.as<IteratorObj>();
  switch (it->ikind) {
    case IteratorObj::Kind::Gen: {
      return genexpr_next(*this, *it, out);
    }
    case IteratorObj::Kind::Seq:
      if (it->pos >= it->items.size()) return false;
      out = it->items[it->pos++];
      return true;
    case IteratorObj::Kind::Enumerate:
      if (it->pos >= it->items.size()) return false;
      out = make_tuple({Value::integer(it->cur++), std::move(it->items[it->pos++])});
      return true;
    case IteratorObj::Kind::List: {
      auto& items = it->source.as<ListObj>()->items;
      if (it->pos >= items.size()) return false;
      out = items[it->pos++];
      return true;
    }
    case IteratorObj::Kind::Deque: {
      DequeObj* d = it->source.as<DequeObj>();
      auto& items = d->items;
      if (int64_t(d->state) != it->stop) {  // dequeiter_next
        it->stop = int64_t(d->state);
        raise(builtins_->RuntimeError, "deque mutated during iteration");
      }
      if (it->pos >= items.size()) return false;
      out = items[it->pos++];
      return true;
    }
    case IteratorObj::Kind::Set:
    case IteratorObj::Kind::DictKeys:
    case IteratorObj::Kind::DictValues:
    case IteratorObj::Kind::DictItems:
      return live_iter_next(*this, *it, out);
    case IteratorObj::Kind::Range:
      if (it->step > 0 ? it->cur >= it->stop : it->cur <= it->stop) return false;
      out = Value::integer(it->cur);
      it->cur += it->step;
      return true;
    case IteratorObj::Kind::User:
      return user_next(*this, it->source, out);
    case IteratorObj::Kind::Map: {
      // map(f, *its): f over one item of each (map_next).
      // Maps nest (map(f, map(f, ...))): bounded as CPython's C recursion is not.
      NativeRecursion depth(" while calling a Python object");
      std::vector<Value> args;
      if (next_row(*it, args) < it->items.size()) return false;
      charge_step();
      out = call0(it->source, std::move(args));
      return true;
    }
    case IteratorObj::Kind::Zip: {
      // zip_next: a tuple of one item of each; `cur` is 1 under strict=True.
      if (it->items.empty()) return false;
      NativeRecursion depth(" while calling a Python object");
      std::vector<Value> row;
      if (size_t ended = next_row(*it, row); ended < it->items.size()) {
        if (it->cur) zip_strict_check(*this, *it, ended);
        return false;
      }
      charge_step();
      out = make_tuple(std::move(row));
      return true;
    }
    case IteratorObj::Kind::Filter: {
      NativeRecursion depth(" while calling a Python object");
      Value x;
      while (iter_next(it->items[0], x)) {
        charge_step();
        if (it->source.is_none() ? truthy(x) : truthy(call0(it->source, {x}))) {
          out = std::move(x);
          return true;
        }
      }
      return false;
    }
    case IteratorObj::Kind::Native:
      charge_step();
      return it->native->next(*this, out);
    case IteratorObj::Kind::Generator: {
      // next(gen), its end seen without raising StopIteration.
      CoroObj* g = it->source.as<CoroObj>();
      if (g->state == CoroObj::State::Done) return false;
      if (g->state == CoroObj::State::Running) raise(builtins_->ValueError, "generator already executing");
      bool finished = false;
      Value v = gen_resume(g, Value(), Value(), finished);
      if (finished) return false;
      out = std::move(v);
      return true;
    }
  }
  return false;
}

std::vector<Value> Interp::take_vector(const Value& v) {
  if (v.is_obj() && v.obj()->refs == 1) {
    std::vector<Value>* items = nullptr;
    if (v.is(ObjKind::List)) items = &v.as<ListObj>()->items;
    else if (v.is(ObjKind::Tuple)) items = &v.as<TupleObj>()->items;
    else if (v.is(ObjKind::Iterator) && v.as<IteratorObj>()->ikind == IteratorObj::Kind::Seq && v.as<IteratorObj>()->pos == 0)
      items = &v.as<IteratorObj>()->items;
    if (items) {
      std::vector<Value> out = std::move(*items);
      items->clear();
      return out;
    }
  }
  return to_vector(v);
}

// Materialises an iterable (list(x), sorted(x), zip, join...): sizes known
// in advance are reserved and charged first, so list(range(2**62)) raises
// MemoryError at once; others charge per item as they grow.
std::vector<Value> Interp::to_vector(const Value& v) {
  if (v.is(ObjKind::List)) { reserve_items(v.as<ListObj>()->items.size()); return v.as<ListObj>()->items; }
  if (v.is(ObjKind::Tuple)) { reserve_items(v.as<TupleObj>()->items.size()); return v.as<TupleObj>()->items; }
  if (v.is(ObjKind::Range)) {
    auto* r = v.as<RangeObj>();
    const unsigned __int128 n = r->length_wide();
    if (n > INT64_MAX) raise(builtins_->OverflowError, "Python int too large to convert to C ssize_t");
    reserve_items(size_t(n));
    std::vector<Value> out;
    out.reserve(size_t(n));
    for (size_t i = 0; i < size_t(n); ++i) out.push_back(Value::integer(int64_t(__int128(r->start) + __int128(i) * r->step)));
    return out;
  }
  std::vector<Value> out;
  Value it = get_iter(v), x;
  while (iter_next(it, x)) {
    charge_step();
    reserve_growth(out);
    out.push_back(x);
  }
  return out;
}

}  // namespace corun
