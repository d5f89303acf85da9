// Attribute access and methods of builtin values: str, list, dict,
// exceptions, types, tasks and futures, modules, and user class instances.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/asyncio/loop_methods.h"
#include "engine/python/attrs.h"
#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/python/pyformat.h"
#include "engine/python/sets.h"
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

void nargs(Interp& in, const std::string& name, CallArgs& a, size_t lo, size_t hi) {
  if (a.npos < lo || a.npos > hi) {
    std::string expect = lo == hi ? (lo == 0 ? "no arguments" : "exactly " + std::to_string(lo) + " argument" + (lo == 1 ? "" : "s"))
                                  : "at most " + std::to_string(hi) + " arguments";
    in.raise(in.builtins().TypeError, name + "() takes " + expect + " (" + std::to_string(a.npos) + " given)");
  }
}

const Value* arg_or_kw(CallArgs& a, size_t i, std::string_view kw) {
  if (i < a.npos) return &a.pos[i];
  return a.kwarg(kw);
}

// A size or count argument, as CPython's ssize_t conversion takes it: an int
// past 64 bits is OverflowError, not a number to wrap.
int64_t ssize_arg(Interp& in, const Value& v) {
  if (v.is_intlike()) return v.as_int();
  if (v.is_bigint()) in.raise(in.builtins().OverflowError, "Python int too large to convert to C ssize_t");
  in.raise(in.builtins().TypeError, "'" + in.type_of(v)->name + "' object cannot be interpreted as an integer");
}

// str.zfill(width): pad with zeros on the left, after a leading sign.
Value zfill(const std::string& s, int64_t width) {
  const int64_t len = int64_t(pyfmt::utf8_length(s));
  if (width <= len) return make_str(s);
  reserve_bytes(size_t(width));
  std::string out;
  out.reserve(size_t(width - len) + s.size());
  const bool sign = !s.empty() && (s[0] == '+' || s[0] == '-');
  if (sign) out += s[0];
  out.append(size_t(width - len), '0');
  out.append(s, sign ? 1 : 0, std::string::npos);
  return make_str(std::move(out));
}

// sep.join(items): the result's size is summed (without wrapping) and
// reserved before it is built.
Value join(Interp& in, const std::string& sep, const Value& iterable) {
  std::vector<Value> items = in.to_vector(iterable);
  size_t total = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const Value& item = items[i];
    if (!item.is(ObjKind::Str))
      in.raise(in.builtins().TypeError, "sequence item " + std::to_string(i) + ": expected str instance, " + in.type_of(item)->name + " found");
    total = checked_add(total, str_of(item).size());
  }
  if (items.size() > 1) total = checked_add(total, checked_mul(sep.size(), items.size() - 1));
  reserve_bytes(total);
  std::string out;
  out.reserve(total);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += str_of(items[i]);
  }
  return make_str(std::move(out));
}

// s.replace(old, new, count): matches are counted first, so the result's
// size, len(s) + matches * (len(new) - len(old)), is checked and reserved
// before anything is copied.
Value replace(const std::string& s, const std::string& from, const std::string& to, int64_t count) {
  charge(s.size() / kBytesPerUnit);
  size_t matches = 0;
  if (from.empty()) matches = s.size() + 1;
  else for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + from.size())) ++matches;
  if (count >= 0 && size_t(count) < matches) matches = size_t(count);
  size_t bytes = s.size() - matches * from.size();
  bytes = checked_add(bytes, checked_mul(matches, to.size()));
  reserve_bytes(bytes);
  std::string out;
  out.reserve(bytes);
  size_t i = 0;
  for (size_t n = 0; n < matches; ++n) {
    size_t j = from.empty() ? i : s.find(from, i);
    out.append(s, i, j - i);
    out += to;
    if (from.empty()) { if (j < s.size()) out += s[j]; i = j + 1; }
    else i = j + from.size();
  }
  if (i <= s.size()) out.append(s, i, std::string::npos);
  return make_str(std::move(out));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

Value str_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found) {
  const std::string& s = str_of(self);
  found = true;
  // Every method below walks the whole string a few times at most (split,
  // count and replace also charge what they build).
  charge(s.size() / kBytesPerUnit);
  auto strip = [&](bool left, bool right) {
    std::string chars = a.npos && !a.pos[0].is_none() ? str_of(a.pos[0]) : std::string();
    auto strip_char = [&](char c) { return chars.empty() ? is_space(c) : chars.find(c) != std::string::npos; };
    size_t b = 0, e = s.size();
    if (left) while (b < e && strip_char(s[b])) ++b;
    if (right) while (e > b && strip_char(s[e - 1])) --e;
    return make_str(s.substr(b, e - b));
  };
  if (name_is(name, "upper") || name_is(name, "lower")) {
    nargs(in, name, a, 0, 0);
    reserve_bytes(s.size());
    std::string out = s;
    for (auto& c : out) c = char(name_is(name, "upper") ? std::toupper((unsigned char)c) : std::tolower((unsigned char)c));
    return make_str(out);
  }
  if (name_is(name, "strip")) return strip(true, true);
  if (name_is(name, "lstrip")) return strip(true, false);
  if (name_is(name, "rstrip")) return strip(false, true);
  if (name_is(name, "startswith") || name_is(name, "endswith")) {
    nargs(in, name, a, 1, 1);
    std::vector<Value> cands = a.pos[0].is(ObjKind::Tuple) ? a.pos[0].as<TupleObj>()->items : std::vector<Value>{a.pos[0]};
    for (auto& c : cands) {
      if (!c.is(ObjKind::Str)) in.raise(in.builtins().TypeError, name + " first arg must be str or a tuple of str, not " + in.type_of(c)->name);
      const std::string& p = str_of(c);
      if (p.size() <= s.size() && (name_is(name, "startswith") ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0))
        return Value::boolean(true);
    }
    return Value::boolean(false);
  }
  if (name_is(name, "join")) {
    nargs(in, name, a, 1, 1);
    return join(in, s, a.pos[0]);
  }
  if (name_is(name, "split")) {
    const Value* sep = arg_or_kw(a, 0, "sep");
    const Value* maxv = arg_or_kw(a, 1, "maxsplit");
    int64_t maxsplit = maxv ? ssize_arg(in, *maxv) : -1;
    std::vector<Value> parts;
    if (!sep || sep->is_none()) {
      size_t i = 0;
      while (true) {
        while (i < s.size() && is_space(s[i])) ++i;
        if (i >= s.size()) break;
        if (maxsplit >= 0 && int64_t(parts.size()) == maxsplit) {
          size_t e = s.size();
          while (e > i && is_space(s[e - 1])) --e;
          parts.push_back(make_str(s.substr(i, e - i)));
          break;
        }
        size_t j = i;
        while (j < s.size() && !is_space(s[j])) ++j;
        charge_step();  // a string object per part
        parts.push_back(make_str(s.substr(i, j - i)));
        i = j;
      }
    } else {
      const std::string& d = str_of(*sep);
      if (d.empty()) in.raise(in.builtins().ValueError, "empty separator");
      size_t i = 0;
      while (true) {
        size_t j = s.find(d, i);
        if (j == std::string::npos || (maxsplit >= 0 && int64_t(parts.size()) == maxsplit)) {
          parts.push_back(make_str(s.substr(i)));
          break;
        }
        charge_step();
        parts.push_back(make_str(s.substr(i, j - i)));
        i = j + d.size();
      }
    }
    return make_list(std::move(parts));
  }
  if (name_is(name, "replace")) {
    nargs(in, name, a, 2, 3);
    const std::string& from = str_of(a.pos[0]);
    const std::string& to = str_of(a.pos[1]);
    int64_t count = a.npos == 3 ? ssize_arg(in, a.pos[2]) : -1;
    return replace(s, from, to, count);
  }
  if (name_is(name, "find") || name_is(name, "count") || name_is(name, "index")) {
    nargs(in, name, a, 1, 1);
    const std::string& sub = str_of(a.pos[0]);
    if (name_is(name, "count")) {
      if (sub.empty()) return Value::integer(int64_t(pyfmt::utf8_length(s)) + 1);
      int64_t n = 0;
      for (size_t i = s.find(sub); i != std::string::npos; i = s.find(sub, i + sub.size())) ++n;
      return Value::integer(n);
    }
    size_t i = s.find(sub);
    if (i == std::string::npos) {
      if (name_is(name, "index")) in.raise(in.builtins().ValueError, "substring not found");
      return Value::integer(-1);
    }
    return Value::integer(int64_t(pyfmt::utf8_length(std::string_view(s).substr(0, i))));
  }
  if (name_is(name, "title") || name_is(name, "capitalize")) {
    reserve_bytes(s.size());
    std::string out = s;
    bool start = true;
    for (auto& c : out) {
      if (name_is(name, "capitalize")) { c = char(start ? std::toupper((unsigned char)c) : std::tolower((unsigned char)c)); start = false; continue; }
      c = char(start ? std::toupper((unsigned char)c) : std::tolower((unsigned char)c));
      start = !std::isalpha((unsigned char)c);
    }
    return make_str(out);
  }
  if (name_is(name, "isdigit") || name_is(name, "isalpha") || name_is(name, "isspace") || name_is(name, "isupper") || name_is(name, "islower")) {
    if (s.empty()) return Value::boolean(false);
    bool ok = true, cased = false;
    for (unsigned char c : s) {
      if (name_is(name, "isdigit")) ok &= bool(std::isdigit(c));
      else if (name_is(name, "isalpha")) ok &= bool(std::isalpha(c));
      else if (name_is(name, "isspace")) ok &= is_space(char(c));
      else if (name_is(name, "isupper")) { if (std::islower(c)) ok = false; if (std::isupper(c)) cased = true; }
      else { if (std::isupper(c)) ok = false; if (std::islower(c)) cased = true; }
    }
    if (name_is(name, "isupper") || name_is(name, "islower")) ok = ok && cased;
    return Value::boolean(ok);
  }
  if (name_is(name, "center") || name_is(name, "ljust") || name_is(name, "rjust") || name_is(name, "zfill")) {
    nargs(in, name, a, 1, 2);
    const int64_t width = ssize_arg(in, a.pos[0]);
    if (name_is(name, "zfill")) return zfill(s, width);
    std::string fill = " ";
    if (a.npos == 2) {
      if (!a.pos[1].is(ObjKind::Str))
        in.raise(in.builtins().TypeError, "The fill character must be a unicode character, not " + in.type_of(a.pos[1])->name);
      fill = str_of(a.pos[1]);
      if (pyfmt::utf8_length(fill) != 1) in.raise(in.builtins().TypeError, "The fill character must be exactly one character long");
    }
    const int64_t len = int64_t(pyfmt::utf8_length(s));
    if (width <= len) return make_str(s);
    const int64_t pad = width - len;
    // CPython's pad(): center puts the odd space on the left when width is odd.
    const int64_t left = name_is(name, "ljust") ? 0 : name_is(name, "rjust") ? pad : pad / 2 + (pad & width & 1);
    reserve_bytes(checked_add(checked_mul(size_t(pad), fill.size()), s.size()));
    std::string out;
    out.reserve(size_t(pad) * fill.size() + s.size());
    auto append_fill = [&](int64_t n) {
      if (fill.size() == 1) out.append(size_t(n), fill[0]);
      else for (int64_t k = 0; k < n; ++k) out += fill;
    };
    append_fill(left);
    out += s;
    append_fill(pad - left);
    return make_str(std::move(out));
  }
  found = false;
  return Value();
}

Value list_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found) {
  auto& items = self.as<ListObj>()->items;
  found = true;
  if (name_is(name, "append")) { nargs(in, "list.append", a, 1, 1); items.push_back(a.pos[0]); return Value(); }
  if (name_is(name, "extend")) {
    nargs(in, "list.extend", a, 1, 1);
    std::vector<Value> more = in.to_vector(a.pos[0]);  // charged and reserved
    reserve_items(checked_add(items.size(), more.size()));
    items.insert(items.end(), more.begin(), more.end());
    return Value();
  }
  if (name_is(name, "insert")) {
    nargs(in, "list.insert", a, 2, 2);
    int64_t i = ssize_arg(in, a.pos[0]), n = int64_t(items.size());
    if (i < 0) i = std::max<int64_t>(0, i + n);
    if (i > n) i = n;
    charge(uint64_t(n - i) * sizeof(Value) / kBytesPerUnit);  // the items after i move
    items.insert(items.begin() + i, a.pos[1]);
    return Value();
  }
  if (name_is(name, "pop")) {
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
  if (name_is(name, "remove") || name_is(name, "index") || name_is(name, "count")) {
    nargs(in, "list." + name, a, 1, 1);
    int64_t n = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      charge_step();
      if (!(items[i].same(a.pos[0]) || values_equal(items[i], a.pos[0]))) continue;
      if (name_is(name, "remove")) { items.erase(items.begin() + long(i)); return Value(); }
      if (name_is(name, "index")) return Value::integer(int64_t(i));
      ++n;
    }
    if (name_is(name, "count")) return Value::integer(n);
    in.raise(in.builtins().ValueError, name_is(name, "remove") ? "list.remove(x): x not in list" : in.repr(a.pos[0]) + " is not in list");
  }
  if (name_is(name, "reverse")) { charge(items.size() / kItemsPerUnit); std::reverse(items.begin(), items.end()); return Value(); }
  if (name_is(name, "clear")) { items.clear(); return Value(); }
  if (name_is(name, "copy")) { reserve_items(items.size()); return make_list(items); }
  if (name_is(name, "sort")) {
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
  found = false;
  return Value();
}

// tuple.count and tuple.index, as list's.
Value tuple_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found) {
  const auto& items = self.as<TupleObj>()->items;
  found = name_is(name, "count") || name_is(name, "index");
  if (!found) return Value();
  nargs(in, "tuple." + name, a, 1, 1);
  int64_t n = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!(items[i].same(a.pos[0]) || values_equal(items[i], a.pos[0]))) continue;
    if (name_is(name, "index")) return Value::integer(int64_t(i));
    ++n;
  }
  if (name_is(name, "index")) in.raise(in.builtins().ValueError, "tuple.index(x): x not in tuple");
  return Value::integer(n);
}

// collections.deque: what the asyncio prelude's queues use.
Value deque_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found) {
  auto& items = self.as<DequeObj>()->items;
  found = true;
  if (name_is(name, "append")) { nargs(in, "deque.append", a, 1, 1); items.push_back(a.pos[0]); return Value(); }
  if (name_is(name, "appendleft")) { nargs(in, "deque.appendleft", a, 1, 1); items.push_front(a.pos[0]); return Value(); }
  if (name_is(name, "popleft") || name_is(name, "pop")) {
    nargs(in, "deque." + name, a, 0, 0);
    if (items.empty()) in.raise(in.builtins().IndexError, "pop from an empty deque");
    bool left = name_is(name, "popleft");
    Value v = std::move(left ? items.front() : items.back());
    if (left) items.pop_front();
    else items.pop_back();
    return v;
  }
  if (name_is(name, "remove")) {
    nargs(in, "deque.remove", a, 1, 1);
    for (auto it = items.begin(); it != items.end(); ++it)
      if (charge_step(), it->same(a.pos[0]) || values_equal(*it, a.pos[0])) {
        items.erase(it);
        return Value();
      }
    in.raise(in.builtins().ValueError, in.repr(a.pos[0]) + " is not in deque");
  }
  if (name_is(name, "clear")) { nargs(in, "deque.clear", a, 0, 0); items.clear(); return Value(); }
  found = false;
  return Value();
}

Value dict_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found) {
  auto* d = self.as<DictObj>();
  found = true;
  if (name_is(name, "get")) {
    nargs(in, "get", a, 1, 2);
    Value* v = d->find(a.pos[0]);
    return v ? *v : (a.npos == 2 ? a.pos[1] : Value());
  }
  if (name_is(name, "keys") || name_is(name, "values") || name_is(name, "items")) {
    nargs(in, name, a, 0, 0);
    auto which = name_is(name, "keys") ? DictViewObj::Keys : name_is(name, "values") ? DictViewObj::Values : DictViewObj::Items;
    return Value(new DictViewObj(which, self));
  }
  if (name_is(name, "pop")) {
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
  if (name_is(name, "setdefault")) {
    nargs(in, "setdefault", a, 1, 2);
    if (Value* v = d->find(a.pos[0])) return *v;
    Value dv = a.npos == 2 ? a.pos[1] : Value();
    d->set(a.pos[0], dv);
    return dv;
  }
  if (name_is(name, "update")) {
    if (a.npos) {
      if (a.pos[0].is(ObjKind::Dict)) {
        charge(a.pos[0].as<DictObj>()->entries.size());
        for (auto& [k, v] : a.pos[0].as<DictObj>()->entries) d->set(k, v);
      } else for (auto& kv : in.to_vector(a.pos[0])) { auto p = in.to_vector(kv); d->set(p.at(0), p.at(1)); }
    }
    for (size_t i = 0; i < a.nkw; ++i) d->set(make_str(a.kwnames[i]), a.kw[i]);
    return Value();
  }
  if (name_is(name, "copy")) { charge(d->entries.size()); Ref<DictObj> c(new DictObj()); c->assign(*d); return Value(c); }
  if (name_is(name, "clear")) { d->clear(); return Value(); }
  found = false;
  return Value();
}

void call_user_callback(Interp& in, const Value& ctx, const Value& fut) {
  const Value& fn = ctx.is(ObjKind::Misc) ? ctx.as<BoxObj>()->v : ctx;
  try {
    in.call0(fn, {fut});
  } catch (PyException& e) {
    // Future._schedule_callbacks ran it as call_soon(fn, fut): Handle._run's report.
    in.report_callback_exception(e.exc, Value(new HandleObj(run_callable_handle, fn, make_tuple({fut}))));
  }
}

bool user_callback_is(const DoneCallback& cb, const Value& fn) {
  if (cb.ctx.is(ObjKind::Misc)) return cb.ctx.as<BoxObj>()->v.same(fn);
  return fn.is_obj() && cb.ctx.get() == fn.obj();
}

Value future_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found) {
  FutureObj* f = self.as<FutureObj>();
  bool is_task = self.is(ObjKind::Task);
  found = true;
  if (name_is(name, "cancel")) {
    const Value* msg = arg_or_kw(a, 0, "msg");
    return Value::boolean(in.future_cancel_any(f, msg ? *msg : Value()));
  }
  if (name_is(name, "cancelled")) return Value::boolean(f->state == FutureObj::State::Cancelled);
  if (name_is(name, "done")) return Value::boolean(f->done());
  if (name_is(name, "result")) return in.future_result(f);
  if (name_is(name, "exception")) return in.future_exception(f);
  if (name_is(name, "add_done_callback")) {
    nargs(in, "add_done_callback", a, 1, 1);
    in.future_add_done_callback(f, call_user_callback, a.pos[0].is_obj() ? a.pos[0] : Value(new BoxObj(a.pos[0])));
    return Value();
  }
  if (name_is(name, "remove_done_callback")) {
    nargs(in, "remove_done_callback", a, 1, 1);
    size_t removed = f->callbacks.remove_if([&](const DoneCallback& cb) { return cb.fn == call_user_callback && user_callback_is(cb, a.pos[0]); });
    return Value::integer(int64_t(removed));
  }
  if (name_is(name, "get_loop")) return in.current_loop_object();
  if (is_task) {
    TaskObj* t = static_cast<TaskObj*>(f);
    if (name_is(name, "get_name")) return make_str(t->name());
    if (name_is(name, "set_name")) { nargs(in, "set_name", a, 1, 1); t->set_name(in.str(a.pos[0])); return Value(); }
    if (name_is(name, "cancelling")) return Value::integer(t->num_cancels_requested);
    if (name_is(name, "uncancel")) {
      if (t->num_cancels_requested > 0) --t->num_cancels_requested;
      return Value::integer(t->num_cancels_requested);
    }
    if (name_is(name, "get_coro")) return t->coro;
    if (name_is(name, "set_result") || name_is(name, "set_exception"))
      in.raise(in.builtins().RuntimeError, "Task does not support " + name + " operation");
  } else {
    if (name_is(name, "set_result")) { nargs(in, "set_result", a, 1, 1); in.future_set_result(f, a.pos[0]); return Value(); }
    if (name_is(name, "set_exception")) { nargs(in, "set_exception", a, 1, 1); in.future_set_exception(f, a.pos[0]); return Value(); }
  }
  found = false;
  return Value();
}

// The methods of the builtin kinds corun implements natively, by receiver
// kind: what get_attr may bind, and what the *_method functions answer.
// Each table must list exactly the names its function handles (the
// attribute matrix test, tests/oracle/attr_matrix.py, holds them to it).
const char* const kStrMethods[] = {
    "upper", "lower", "strip", "lstrip", "rstrip", "startswith", "endswith", "join", "split", "replace", "find",
    "count", "index", "title", "capitalize", "isdigit", "isalpha", "isspace", "isupper", "islower", "center",
    "ljust", "rjust", "zfill", nullptr};
const char* const kListMethods[] = {
    "append", "extend", "insert", "pop", "remove", "index", "count", "reverse", "clear", "copy", "sort", nullptr};
const char* const kTupleMethods[] = {"count", "index", nullptr};
const char* const kDictMethods[] = {"get", "keys", "values", "items", "pop", "setdefault", "update", "copy", "clear", nullptr};
const char* const kDequeMethods[] = {"append", "appendleft", "popleft", "pop", "remove", "clear", nullptr};
const char* const kFutureMethods[] = {
    "cancel", "cancelled", "done", "result", "exception", "add_done_callback", "remove_done_callback", "get_loop",
    "set_result", "set_exception", nullptr};
const char* const kTaskMethods[] = {
    "cancel", "cancelled", "done", "result", "exception", "add_done_callback", "remove_done_callback", "get_loop",
    "set_result", "set_exception", "get_name", "set_name", "cancelling", "uncancel", "get_coro", nullptr};
const char* const kHandleMethods[] = {"cancel", "cancelled", "when", nullptr};
}  // namespace
// Generators, async generators and coroutines: engine/vm/generators.cpp.
namespace {

// The method table of a receiver, or null when its kind has no native methods.
const char* const* native_methods(const Value& obj) {
  if (!obj.is_obj()) return nullptr;
  switch (obj.obj()->okind) {
    case ObjKind::Str: return kStrMethods;
    case ObjKind::List: return kListMethods;
    case ObjKind::Tuple: return kTupleMethods;
    case ObjKind::Dict: return kDictMethods;
    case ObjKind::Deque: return kDequeMethods;
    case ObjKind::Set: return obj.as<SetObj>()->frozen ? kFrozenSetMethodNames : kSetMethodNames;
    case ObjKind::Future: return kFutureMethods;
    case ObjKind::Task: return kTaskMethods;
    case ObjKind::Handle: return kHandleMethods;
    case ObjKind::Coroutine: return frame_object_methods(obj);
    default: return nullptr;
  }
}

// The table's own spelling of `name` (a static string, for BuiltinObj::name), or null.
const char* native_method_name(const Value& obj, const std::string& name) {
  if (const char* const* m = native_methods(obj))
    for (; *m; ++m) if (name == *m) return *m;
  return nullptr;
}

Value handle_method(Interp& in, const Value& self, const std::string& name, CallArgs&, bool& found) {
  HandleObj* h = self.as<HandleObj>();
  found = true;
  if (name_is(name, "cancel")) {
    if (!h->cancelled) {
      h->cancelled = true;
      if (h->scheduled) in.loop().timer_cancelled();
    }
    return Value();
  }
  if (name_is(name, "cancelled")) return Value::boolean(h->cancelled);
  if (name_is(name, "when")) return Value::flt(double(h->when) / 1e9);
  found = false;
  return Value();
}

// Calls a native method of a builtin value; `found` says whether the
// receiver's kind has one by that name. Never falls back to attribute
// lookup: get_attr's bound methods call back in here, so a fallback would
// recurse forever on a name the kind lacks.
Value call_native_method(Interp& in, const Value& obj, const std::string& name, CallArgs& args, bool& found) {
  found = false;
  if (!obj.is_obj()) return Value();
  switch (obj.obj()->okind) {
    case ObjKind::Str: return str_method(in, obj, name, args, found);
    case ObjKind::List: return list_method(in, obj, name, args, found);
    case ObjKind::Tuple: return tuple_method(in, obj, name, args, found);
    case ObjKind::Dict: return dict_method(in, obj, name, args, found);
    case ObjKind::Deque: return deque_method(in, obj, name, args, found);
    case ObjKind::Set: return set_method(in, obj, name, args, found);
    case ObjKind::Future:
    case ObjKind::Task: return future_method(in, obj, name, args, found);
    case ObjKind::Handle: return handle_method(in, obj, name, args, found);
    case ObjKind::Coroutine: return frame_object_method(in, obj, name, args, found);
    default: return Value();
  }
}

// `obj.name` used as a value, for a native method: a builtin bound to
// (receiver, name) packed in a tuple.
Value bind_native_method(const Value& obj, const char* name) {
  Value packed = make_tuple({obj, make_str(name)});
  return Value(new BuiltinObj(name, [](Interp& in, const Value& self, CallArgs& a) {
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
  if (native_methods(obj)) no_attr(*this, obj, name);  // no other attributes to look up
  Value fn = get_attr(obj, name);
  return call(fn, args, site);
}

// ---- inline caches -------------------------------------------------------------------
// An instance without extra fields has its class's declared fields in
// declaration order, so for one class a field name is always at one index
// and a name that is not a field always finds the same class function.
// Each Attr expression remembers that for the last class it met (keyed on
// the class's unique id), and skips the lookups by name.

Value Interp::get_attr_at(const Value& obj, const Expr& attr) {
  if (obj.is(ObjKind::Instance)) {
    InstanceObj* inst = obj.as<InstanceObj>();
    if (!inst->extra_fields) {
      if (attr.ic_type == inst->type->id && !attr.ic_method && attr.ic_field < inst->fields.size())
        return inst->fields[attr.ic_field].second;
      for (size_t i = 0; i < inst->fields.size(); ++i)
        if (inst->fields[i].first == attr.name) {
          attr.ic_type = inst->type->id;
          attr.ic_field = uint32_t(i);
          attr.ic_method = nullptr;
          return inst->fields[i].second;
        }
    }
  }
  return get_attr(obj, attr.name);
}

Value Interp::call_method_at(const Value& obj, const Expr& attr, CallArgs& args, const Expr* site) {
  if (obj.is(ObjKind::Instance)) {
    InstanceObj* inst = obj.as<InstanceObj>();
    if (!inst->extra_fields) {
      if (attr.ic_type != inst->type->id || !attr.ic_method) {
        const Value* cv = inst->find(attr.name) ? nullptr : inst->type->find_attr(attr.name);
        if (cv && cv->is(ObjKind::Function)) {
          attr.ic_type = inst->type->id;
          attr.ic_method = cv->as<FunctionObj>();
        }
      }
      if (attr.ic_type == inst->type->id && attr.ic_method) {
        // What calling the bound method get_attr would make does, without making it.
        const FunctionObj* fn = attr.ic_method;
        if (fn->code->makes_frame_object()) return make_coroutine(fn, args, site, obj);
        return call_function(fn, args, site, obj);
      }
    }
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
    const CodeObject* code = obj.as<FunctionObj>()->code;
    out = make_str(module ? "__main__" : qualified ? code->qualname : code->name);
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
  // Instances of classes written in Python, and of ExceptionGroup (a heap
  // type in CPython); other builtin exceptions have none.
  if (module && (obj.is(ObjKind::Instance) ||
                 (obj.is(ObjKind::Exception) && (in.type_of(obj)->module != "builtins" ||
                                                 in.type_of(obj)->is_subclass_of(in.builtins().BaseExceptionGroup))))) {
    out = make_str(in.type_of(obj)->module);
    return true;
  }
  return false;
}

Value Interp::get_attr(const Value& obj, const std::string& name) {
  if (name.size() > 4 && name[0] == '_' && name[1] == '_') {
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
      return *cv;
    }
    if (name_is(name, "__dict__")) {  // a copy: corun keeps fields in the instance
      Ref<DictObj> d(new DictObj());
      for (auto& [k, v] : inst->fields) d->set(make_str(k), v);
      return Value(d);
    }
    if (name_is(name, "__doc__")) return Value();
    no_attr(*this, obj, name);
  }
  if (obj.is(ObjKind::Type)) {
    TypeObj* t = obj.as<TypeObj>();
    if (name_is(name, "__name__") || name_is(name, "__qualname__")) return make_str(t->name);
    if (name_is(name, "__module__")) return make_str(t->module);
    if (const Value* cv = t->find_attr(name)) return *cv;
    Value v;
    if (type_attr(*this, t, name, v)) return v;
    no_attr(*this, obj, name);
  }
  if (obj.is(ObjKind::Exception)) {
    ExcObj* e = obj.as<ExcObj>();
    if (name_is(name, "args")) return make_tuple(e->args);
    if (name_is(name, "__class__")) return Value(e->type);
    if (name_is(name, "__cause__")) return e->cause;
    if (name_is(name, "__context__")) return e->context;
    if (name_is(name, "value") && e->type->is_subclass_of(builtins_->StopIteration))  // StopIteration.value
      return e->args.empty() ? Value() : e->args[0];
    if (e->type->is_subclass_of(builtins_->BaseExceptionGroup) && e->args.size() == 2) {
      if (name_is(name, "message")) return e->args[0];
      if (name_is(name, "exceptions")) return e->args[1];
    }
    if (e->attrs.is(ObjKind::Dict)) if (Value* v = e->attrs.as<DictObj>()->find(make_str(name))) return *v;
    if (const Value* cv = e->type->find_attr(name)) return cv->is(ObjKind::Function) ? Value(new BoundMethodObj(obj, *cv)) : *cv;
    Value v;
    if (exception_attr(*this, obj, name, v)) return v;
    no_attr(*this, obj, name);
  }
  if (obj.is(ObjKind::Function) && name_is(name, "__name__")) return make_str(obj.as<FunctionObj>()->code->name);
  if (obj.is(ObjKind::Coroutine)) {
    if (name_is(name, "__name__")) return make_str(obj.as<CoroObj>()->frame.code->name);
    if (name_is(name, "__qualname__")) return make_str(obj.as<CoroObj>()->frame.code->qualname);
    const CodeObject* code = obj.as<CoroObj>()->frame.code;
    const bool running = obj.as<CoroObj>()->state == CoroObj::State::Running;
    if (name_is(name, "cr_running") && code->is_coroutine && !code->is_async_gen) return Value::boolean(running);
    if (name_is(name, "gi_running") && code->is_generator) return Value::boolean(running);
    if (name_is(name, "ag_running") && code->is_async_gen) return Value::boolean(running);
  }
  if (obj.is(ObjKind::Range)) {
    auto* r = obj.as<RangeObj>();
    if (name_is(name, "start")) return Value::integer(r->start);
    if (name_is(name, "stop")) return Value::integer(r->stop);
    if (name_is(name, "step")) return Value::integer(r->step);
  }
  if (obj.is_integer() && name_is(name, "real")) return obj.is_bool() ? Value::integer(obj.as_int()) : obj;
  if (obj.is_float()) {
    if (name_is(name, "real")) return obj;
    if (name_is(name, "is_integer")) return Value(new BuiltinObj("is_integer", [](Interp&, const Value& self, CallArgs&) {
      return Value::boolean(self.as_float() == std::floor(self.as_float()));
    }, obj));
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
      inst->fields.emplace_back(name, std::move(v));
      inst->extra_fields = true;
    }
    return;
  }
  if (obj.is(ObjKind::Exception)) {
    ExcObj* e = obj.as<ExcObj>();
    if (set_exception_attr(*this, obj, name, v)) return;
    if (!e->attrs.is(ObjKind::Dict)) e->attrs = Value(new DictObj());
    e->attrs.as<DictObj>()->set(make_str(name), std::move(v));
    return;
  }
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
  // CPython lets these take new attributes (they have a __dict__); corun
  // keeps none, and says so rather than claim Python would refuse.
  if (obj.is(ObjKind::Function) || obj.is(ObjKind::Future) || obj.is(ObjKind::Task) || obj.is(ObjKind::Module) ||
      obj.is(ObjKind::Loop) || obj.is(ObjKind::Type))
    raise(builtins_->AttributeError, "corun does not support setting attributes on " +
                                         (obj.is(ObjKind::Type) ? "classes" : "'" + attr_type_name(*this, obj) + "' objects") +
                                         " (setting '" + name + "')");
  if (obj.is(ObjKind::BoundMethod))  // method_setattro does not delegate
    raise(builtins_->AttributeError, "'method' object has no attribute '" + name + "'");
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
