#include "engine/python/builtins.h"
#include "engine/python/attrs.h"
#include "engine/python/bytes.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "engine/asyncio/asyncio_module.h"
#include "engine/asyncio/event_loops.h"
#include "engine/asyncio/prelude_helpers.h"
#include "engine/python/classes.h"
#include "engine/python/contextlib.h"
#include "engine/python/descriptors.h"
#include "engine/python/os_errors.h"
#include "engine/python/pyformat.h"
#include "engine/python/random_module.h"
#include "engine/python/recursion.h"
#include "engine/python/repr.h"
#include "engine/python/sets.h"
#include "engine/python/time_module.h"
#include "engine/python/math_module.h"
#include "engine/python/itertools_module.h"
#include "engine/vm/closures.h"
#include "engine/python/collections_module.h"
#include "engine/python/functools_module.h"
#include "engine/vm/generators.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

void arity(Interp& in, const char* fn, CallArgs& a, size_t lo, size_t hi) {
  if (a.npos < lo || a.npos > hi)
    in.raise(in.builtins().TypeError, std::string(fn) + "() takes " + std::to_string(lo) +
                                          (lo == hi ? "" : " to " + std::to_string(hi)) + " positional arguments but " +
                                          std::to_string(a.npos) + " were given");
}

namespace {

const std::vector<std::string> kNames = {
    // functions
    "len", "str", "repr", "int", "float", "bool", "list", "tuple", "dict", "range", "sum", "min", "max", "abs",
    "round", "sorted", "enumerate", "zip", "isinstance", "type", "print", "any", "all", "reversed", "hasattr",
    "getattr", "issubclass", "object", "next", "iter", "aiter", "anext",
    "set", "frozenset", "hash", "bytes",
    "pow", "divmod", "hex", "oct", "bin", "chr", "ord", "map", "filter", "callable", "setattr", "format", "ascii", "id",
    // exceptions
    "BaseException", "Exception", "ArithmeticError", "ZeroDivisionError", "OverflowError", "LookupError",
    "KeyError", "IndexError", "ValueError", "TypeError", "RuntimeError", "RecursionError", "NotImplementedError",
    "NameError", "UnboundLocalError", "AttributeError", "AssertionError", "StopIteration", "StopAsyncIteration",
    "OSError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError", "TimeoutError",
    "BlockingIOError", "BrokenPipeError", "ConnectionAbortedError", "PermissionError", "ChildProcessError",
    "FileExistsError", "FileNotFoundError", "IsADirectoryError", "NotADirectoryError", "InterruptedError",
    "ProcessLookupError", "EOFError",
    "KeyboardInterrupt", "SystemExit", "GeneratorExit", "BaseExceptionGroup", "ExceptionGroup", "MemoryError",
    "UnicodeError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeTranslateError",
    "ImportError", "ModuleNotFoundError", "SyntaxError", "IndentationError", "TabError", "SystemError", "ReferenceError",
    "BufferError", "FloatingPointError", "EnvironmentError", "IOError",
    "Warning", "UserWarning", "DeprecationWarning", "PendingDeprecationWarning", "SyntaxWarning", "RuntimeWarning",
    "FutureWarning", "ImportWarning", "UnicodeWarning", "BytesWarning", "ResourceWarning", "EncodingWarning",
    // exception names the spec lets `except` use bare
    "CancelledError",
    // modules
    "asyncio", "time", "random", "functools", "contextlib", "socket", "collections", "math", "itertools",
    // descriptors (engine/python/descriptors.cpp)
    "property", "staticmethod", "classmethod",
    // corun's private helpers for the asyncio prelude (invisible to scenarios)
    "_iscoroutine", "_eg_split", "_aiter", "_anext",
    "_deque", "_address", "_get_running_loop", "_runner_main_task", "_interrupt_count",
    "_take_asyncgens", "_report_asyncgen_error",
    // sockets and the selector (engine/asyncio/sockets.cpp)
    "_socket", "_add_reader", "_remove_reader", "_add_writer", "_remove_writer", "_AF_INET", "_SOCK_STREAM",
    "_IPPROTO_TCP", "_SOL_SOCKET", "_SO_ERROR", "_SO_REUSEADDR", "_TCP_NODELAY", "_SHUT_RD", "_SHUT_WR", "_SHUT_RDWR",
    // classes with behaviour (engine/python/classes.cpp)
    "NotImplemented", "_super_attr", "_with_exit", "_with_enter", "_prep_reraise_star",
};

}  // namespace

const std::vector<std::string>& builtin_names() { return kNames; }

int builtin_index(std::string_view name) {
  // Every name the compiler resolves and every slot Builtins fills asks
  // here: a hash lookup, not a walk over the list comparing strings.
  static const std::unordered_map<std::string_view, int> index = [] {
    std::unordered_map<std::string_view, int> m;
    for (size_t i = 0; i < kNames.size(); ++i) m.emplace(kNames[i], int(i));  // emplace keeps the first
    return m;
  }();
  auto it = index.find(name);
  return it == index.end() ? -1 : it->second;
}

// ---- argument helpers ---------------------------------------------------------------

namespace {

void arg_count(Interp& in, const char* fn, CallArgs& a, size_t lo, size_t hi) {
  if (a.npos >= lo && a.npos <= hi) return;
  std::string msg;
  if (lo == hi)
    msg = std::string(fn) + "() takes " + (lo == 1 ? "exactly one argument" : std::to_string(lo) + " positional arguments") +
          " (" + std::to_string(a.npos) + " given)";
  else if (a.npos < lo)
    msg = std::string(fn) + " expected at least " + std::to_string(lo) + " argument" + (lo == 1 ? "" : "s") + ", got " + std::to_string(a.npos);
  else
    msg = std::string(fn) + " expected at most " + std::to_string(hi) + " argument" + (hi == 1 ? "" : "s") + ", got " + std::to_string(a.npos);
  in.raise(in.builtins().TypeError, msg);
}

void no_kwargs(Interp& in, const char* fn, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, std::string(fn) + "() takes no keyword arguments");
}

std::string type_name(Interp& in, const Value& v) { return in.type_of(v)->name; }

int64_t to_index(Interp& in, const Value& v) {
  if (v.is_intlike()) return v.as_int();
  // corun's sizes and ranges are 64-bit, as CPython's ssize_t conversions are.
  if (v.is_bigint()) in.raise(in.builtins().OverflowError, "Python int too large to convert to C ssize_t");
  in.raise(in.builtins().TypeError, "'" + type_name(in, v) + "' object cannot be interpreted as an integer");
}

// ---- builtin functions -------------------------------------------------------------

Value b_len(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "len", a, 1, 1);
  const Value& v = a.pos[0];
  if (v.is(ObjKind::Str)) {
    charge(str_of(v).size() / kBytesPerUnit);  // code points are counted, not stored
    return Value::integer(int64_t(pyfmt::utf8_length(str_of(v))));
  }
  if (v.is(ObjKind::Bytes)) return Value::integer(int64_t(bytes_of(v).size()));
  if (v.is(ObjKind::List)) return Value::integer(int64_t(v.as<ListObj>()->items.size()));
  if (v.is(ObjKind::Deque)) return Value::integer(int64_t(v.as<DequeObj>()->items.size()));
  if (v.is(ObjKind::Set)) return Value::integer(int64_t(v.as<SetObj>()->size()));
  if (v.is(ObjKind::DictView)) return Value::integer(int64_t(v.as<DictViewObj>()->target()->entries.size()));
  if (v.is(ObjKind::Tuple)) return Value::integer(int64_t(v.as<TupleObj>()->items.size()));
  if (v.is(ObjKind::Dict)) return Value::integer(int64_t(v.as<DictObj>()->entries.size()));
  if (v.is(ObjKind::Range)) return Value::integer(v.as<RangeObj>()->length());
  if (const FunctionObj* f = user_method_of(v, "__len__")) {
    Value n = call_dunder(in, v, f, {});
    if (!n.is_intlike()) in.raise(in.builtins().TypeError, "'" + type_name(in, n) + "' object cannot be interpreted as an integer");
    if (n.as_int() < 0) in.raise(in.builtins().ValueError, "__len__() should return >= 0");
    return Value::integer(n.as_int());
  }
  in.raise(in.builtins().TypeError, "object of type '" + type_name(in, v) + "' has no len()");
}

Value b_str(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "str", a);
  arg_count(in, "str", a, 0, 1);
  if (a.npos == 0) return make_str("");
  return make_str(in.str(a.pos[0]));
}

Value b_repr(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "repr", a, 1, 1);
  return make_str(in.repr(a.pos[0]));
}

// int(text, base), as PyLong_FromString: surrounding whitespace, a sign,
// for base 0 the prefix that names the base (0x 0o 0b; a decimal may not
// start with 0 unless it is all zeros), for base 16, 8 or 2 that prefix
// allowed, then digits below the base with single underscores between
// them (one may follow a prefix). The ValueError shows the argument's repr
// -- the str's, or for bytes (int(b"12\n") parses the ASCII digits, as
// CPython) the repr of `shown`, made only then -- cut to 200 characters,
// as %.200R.
Value parse_int_text(Interp& in, const std::string& text, int64_t base, const Value* shown = nullptr) {
  if (base != 0 && (base < 2 || base > 36)) in.raise(in.builtins().ValueError, "int() base must be >= 2 and <= 36, or 0");
  auto invalid = [&]() -> Value {
    std::string r = shown ? in.repr(*shown) : pyfmt::str_repr(text);
    size_t cut = 0, n = 0;
    while (cut < r.size() && n < 200) {
      take_code_point(r, cut);
      ++n;
    }
    in.raise(in.builtins().ValueError, "invalid literal for int() with base " + std::to_string(base) + ": " + r.substr(0, cut));
  };
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); };
  size_t i = 0, end = text.size();
  while (i < end && space(text[i])) ++i;
  while (end > i && space(text[end - 1])) --end;
  bool negative = false;
  if (i < end && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  auto prefix_of = [&](size_t at) -> int {
    if (at + 1 >= end || text[at] != '0') return 0;
    char p = char(std::tolower((unsigned char)text[at + 1]));
    return p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
  };
  int64_t b = base;
  bool after_prefix = false;
  if (b == 0) {
    b = prefix_of(i) ? prefix_of(i) : 10;
    if (b != 10) {
      i += 2;
      after_prefix = true;
    } else if (i < end && text[i] == '0') {
      // "0", "00", "0_0": only zeros may follow a leading zero.
      for (size_t k = i; k < end; ++k)
        if (text[k] != '0' && text[k] != '_') return invalid();
    }
  } else if ((b == 16 || b == 8 || b == 2) && prefix_of(i) == b) {
    i += 2;
    after_prefix = true;
  }
  if (after_prefix && i < end && text[i] == '_') ++i;
  // The digits: checked and counted first, as CPython does before it
  // converts (so the digit limit stops a huge literal at once), then
  // gathered in chunks that fit an int64.
  auto digit = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
  };
  const size_t first = i;
  size_t ndigits = 0;
  bool prev_underscore = true;  // no leading underscore (past the prefix's one)
  for (size_t k = first; k < end; ++k) {
    if (text[k] == '_') {
      if (prev_underscore) return invalid();
      prev_underscore = true;
      continue;
    }
    if (digit(text[k]) >= b) return invalid();
    prev_underscore = false;
    ++ndigits;
  }
  if (ndigits == 0 || prev_underscore) return invalid();
  // CPython 3.11's limit on non-power-of-two bases, checked before the
  // (quadratic) conversion.
  if (ndigits > 4300 && (b & (b - 1)) != 0)
    in.raise(in.builtins().ValueError, "Exceeds the limit (4300 digits) for integer string conversion: value has " +
                                           std::to_string(ndigits) + " digits; use sys.set_int_max_str_digits() to increase the limit");
  BigInt big;
  bool is_big = false;
  int64_t small = 0, chunk = 0, chunk_scale = 1;
  const int64_t limit = INT64_MAX / 36;
  for (size_t k = first; k < end; ++k) {
    if (text[k] == '_') continue;
    chunk = chunk * b + digit(text[k]);
    chunk_scale *= b;
    if (chunk_scale > limit) {  // fold the chunk in: work in proportion to the value's size
      charge(is_big ? big.limbs().size() + 1 : 1);
      if (!is_big && small <= (INT64_MAX - chunk) / chunk_scale) small = small * chunk_scale + chunk;
      else {
        if (!is_big) big = BigInt(small);
        is_big = true;
        big = big * BigInt(chunk_scale) + BigInt(chunk);
      }
      chunk = 0;
      chunk_scale = 1;
    }
  }
  if (!is_big && (chunk_scale == 1 || small <= (INT64_MAX - chunk) / chunk_scale)) {
    small = small * chunk_scale + chunk;
    return Value::integer(negative ? -small : small);
  }
  if (!is_big) big = BigInt(small);
  big = big * BigInt(chunk_scale) + BigInt(chunk);
  return make_int(negative ? -big : big);
}

Value b_int(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "int", a, 0, 2);
  if (a.npos == 0) return Value::integer(0);
  const Value& v = a.pos[0];
  if (a.npos == 2) {
    if (v.is(ObjKind::Bytes)) return parse_int_text(in, bytes_of(v), to_index(in, a.pos[1]), &v);
    if (!v.is(ObjKind::Str)) in.raise(in.builtins().TypeError, "int() can't convert non-string with explicit base");
    return parse_int_text(in, str_of(v), to_index(in, a.pos[1]));
  }
  if (v.is_intlike()) return Value::integer(v.as_int());
  if (v.is_bigint()) return v;
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isnan(d)) in.raise(in.builtins().ValueError, "cannot convert float NaN to integer");
    if (std::isinf(d)) in.raise(in.builtins().OverflowError, "cannot convert float infinity to integer");
    if (std::fabs(d) >= 9.2e18) {
      // Exact: a large float is an integer, mantissa * 2**exponent.
      int exp = 0;
      double m = std::frexp(std::fabs(d), &exp);
      BigInt r = BigInt(int64_t(std::ldexp(m, 53))) * BigInt::pow(BigInt(2), uint64_t(exp - 53));
      return make_int(d < 0 ? -r : r);
    }
    return Value::integer(int64_t(std::trunc(d)));
  }
  if (v.is(ObjKind::Str)) return parse_int_text(in, str_of(v), 10);
  if (v.is(ObjKind::Bytes)) return parse_int_text(in, bytes_of(v), 10, &v);
  in.raise(in.builtins().TypeError,
           "int() argument must be a string, a bytes-like object or a real number, not '" + type_name(in, v) + "'");
}

Value b_float(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "float", a, 0, 1);
  if (a.npos == 0) return Value::flt(0.0);
  const Value& v = a.pos[0];
  if (v.is_number()) return Value::flt(v.as_double());
  if (v.is(ObjKind::Str)) {
    std::string s = str_of(v);
    std::string t;
    for (char c : s) if (c != '_' && !std::isspace((unsigned char)c)) t += c;
    std::string lower;
    for (char c : t) lower += char(std::tolower((unsigned char)c));
    if (lower == "inf" || lower == "+inf" || lower == "infinity" || lower == "+infinity") return Value::flt(INFINITY);
    if (lower == "-inf" || lower == "-infinity") return Value::flt(-INFINITY);
    if (lower == "nan" || lower == "+nan" || lower == "-nan") return Value::flt(NAN);
    char* end = nullptr;
    double d = t.empty() ? 0 : std::strtod(t.c_str(), &end);
    if (t.empty() || *end || lower.find("x") != std::string::npos)
      in.raise(in.builtins().ValueError, "could not convert string to float: " + pyfmt::str_repr(s));
    return Value::flt(d);
  }
  in.raise(in.builtins().TypeError, "float() argument must be a string or a real number, not '" + type_name(in, v) + "'");
}

Value b_bool(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "bool", a, 0, 1);
  return Value::boolean(a.npos ? in.truthy(a.pos[0]) : false);
}

Value b_list(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "list", a, 0, 1);
  if (a.npos == 0) return make_list();
  return make_list(in.take_vector(a.pos[0]));
}

Value b_tuple(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "tuple", a, 0, 1);
  if (a.npos == 0) return make_tuple();
  if (a.pos[0].is(ObjKind::Tuple) && !a.pos[0].as<TupleObj>()->named) return a.pos[0];
  return make_tuple(in.take_vector(a.pos[0]));
}

Value b_dict(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "dict", a, 0, 1);
  Ref<DictObj> d(new DictObj());
  if (a.npos == 1) {
    if (a.pos[0].is(ObjKind::Dict)) {
      d->assign(*a.pos[0].as<DictObj>());
    } else {
      for (Value& item : in.to_vector(a.pos[0])) {
        charge_step();
        std::vector<Value> kv = in.to_vector(item);
        if (kv.size() != 2)
          in.raise(in.builtins().ValueError, "dictionary update sequence element has length " + std::to_string(kv.size()) + "; 2 is required");
        d->set(kv[0], kv[1]);
      }
    }
  }
  for (size_t i = 0; i < a.nkw; ++i) d->set(make_str(a.kwnames[i]), a.kw[i]);
  return Value(d);
}

Value b_range(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "range", a);
  if (a.npos == 0) in.raise(in.builtins().TypeError, "range expected at least 1 argument, got 0");
  arg_count(in, "range", a, 1, 3);
  int64_t start = 0, stop, step = 1;
  if (a.npos == 1) stop = to_index(in, a.pos[0]);
  else { start = to_index(in, a.pos[0]); stop = to_index(in, a.pos[1]); }
  if (a.npos == 3) step = to_index(in, a.pos[2]);
  if (step == 0) in.raise(in.builtins().ValueError, "range() arg 3 must not be zero");
  return Value(new RangeObj(start, stop, step));
}

Value b_sum(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "sum", a, 1, 2);
  Value total = a.npos == 2 ? a.pos[1] : Value::integer(0);
  if (const Value* s = a.kwarg("start")) total = *s;
  Value it = in.get_iter(a.pos[0]);
  Value item;
  while (in.iter_next(it, item)) {
    charge_step();
    total = in.binary_op(BinOp::Add, total, item);
  }
  return total;
}

Value min_max(Interp& in, CallArgs& a, bool is_max) {
  const char* fn = is_max ? "max" : "min";
  if (a.npos == 0) in.raise(in.builtins().TypeError, std::string(fn) + " expected at least 1 argument, got 0");
  std::vector<Value> items = a.npos == 1 ? in.to_vector(a.pos[0]) : std::vector<Value>(a.pos, a.pos + a.npos);
  const Value* key = a.kwarg("key");
  const Value* dflt = a.kwarg("default");
  if (items.empty()) {
    if (dflt) return *dflt;
    in.raise(in.builtins().ValueError, std::string(fn) + "() arg is an empty sequence");
  }
  size_t best = 0;
  Value best_key = key ? in.call0(*key, {items[0]}) : items[0];
  for (size_t i = 1; i < items.size(); ++i) {
    charge_step();
    Value k = key ? in.call0(*key, {items[i]}) : items[i];
    // max keeps the first maximal item, min the first minimal one.
    bool take = is_max ? in.compare(CmpOp::Lt, best_key, k) : in.compare(CmpOp::Lt, k, best_key);
    if (take) { best = i; best_key = k; }
  }
  return items[best];
}

Value b_min(Interp& in, const Value&, CallArgs& a) { return min_max(in, a, false); }
Value b_max(Interp& in, const Value&, CallArgs& a) { return min_max(in, a, true); }

Value b_abs(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "abs", a, 1, 1);
  const Value& v = a.pos[0];
  if (v.is_intlike() && v.as_int() != INT64_MIN) return Value::integer(v.as_int() < 0 ? -v.as_int() : v.as_int());
  if (v.is_integer()) {
    BigInt x = to_bigint(v);
    return make_int(x.is_negative() ? -x : x);
  }
  if (v.is_float()) return Value::flt(std::fabs(v.as_float()));
  in.raise(in.builtins().TypeError, "bad operand type for abs(): '" + type_name(in, v) + "'");
}

// Python's round(): half to even, on the exact binary value.
Value b_round(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "round", a, 1, 2);
  const Value& v = a.pos[0];
  bool has_nd = a.npos == 2 && !a.pos[1].is_none();
  if (const Value* nd = a.kwarg("ndigits")) { if (!nd->is_none()) { has_nd = true; } }
  Value ndv = a.npos == 2 ? a.pos[1] : (a.kwarg("ndigits") ? *a.kwarg("ndigits") : Value());
  // ndigits past 64 bits means "all of them" or "none": clamp it, the result is the same.
  if (ndv.is_bigint()) ndv = Value::integer(ndv.as<BigIntObj>()->v.is_negative() ? -(int64_t(1) << 62) : int64_t(1) << 62);
  if (v.is_bigint()) {
    if (!has_nd || ndv.as_int() >= 0) return v;
    // Half to even at 10**-ndigits (pow reserves, so an absurd ndigits is MemoryError).
    const BigInt x = v.as<BigIntObj>()->v, p = BigInt::pow(BigInt(10), uint64_t(-ndv.as_int()));
    auto [q, r] = BigInt::divmod(x, p);
    const BigInt twice = r + r;
    if (twice > p || (twice == p && !BigInt::mod(q, BigInt(2)).is_zero())) q = q + BigInt(1);
    return make_int(q * p);
  }
  if (v.is_intlike()) {
    if (!has_nd || ndv.as_int() >= 0) return Value::integer(v.as_int());
    if (ndv.as_int() < -19) return Value::integer(0);
    int64_t p = 1;
    for (int64_t i = 0; i < -ndv.as_int() && p < INT64_MAX / 10; ++i) p *= 10;
    int64_t x = v.as_int(), q = x / p, r = x % p;
    if (r < 0) { r += p; --q; }
    if (2 * r > p || (2 * r == p && (q & 1))) ++q;
    return Value::integer(q * p);
  }
  if (!v.is_float()) in.raise(in.builtins().TypeError, "type " + type_name(in, v) + " doesn't define __round__ method");
  double d = v.as_float();
  if (!has_nd) {
    if (std::isnan(d)) in.raise(in.builtins().ValueError, "cannot convert float NaN to integer");
    if (std::isinf(d)) in.raise(in.builtins().OverflowError, "cannot convert float infinity to integer");
    double r = std::nearbyint(d);  // default rounding mode: half to even
    if (std::fabs(r) >= 9.2e18) {
      Value as_float = Value::flt(r);
      CallArgs one;
      one.pos = &as_float;
      one.npos = 1;
      return b_int(in, Value(), one);  // exact big int
    }
    return Value::integer(int64_t(r));
  }
  int64_t nd = to_index(in, ndv);
  if (!std::isfinite(d) || d == 0) return Value::flt(d);
  if (nd < -400) return Value::flt(0.0 * d);
  // Correctly rounded, as CPython: format with nd digits, then parse back.
  if (nd > 323) return Value::flt(d);
  if (nd < -308) return Value::flt(0.0 * d);
  char buf[512];
  if (nd >= 0) {
    std::snprintf(buf, sizeof buf, "%.*f", int(nd), d);
    return Value::flt(std::strtod(buf, nullptr));
  }
  double p = std::pow(10.0, double(-nd));
  double y = d / p;
  double z = std::nearbyint(y);
  if (std::fabs(y - z) == 0.5) z = 2.0 * std::nearbyint(y / 2.0);
  return Value::flt(z * p);
}

Value b_sorted(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "sorted", a, 1, 1);
  // A copy, then list.sort's keys, order and result: refuse at once what
  // cannot fit, before copying a sequence of known length.
  const Value& v = a.pos[0];
  if (v.is(ObjKind::List)) reserve_items(checked_mul(v.as<ListObj>()->items.size(), 4));
  else if (v.is(ObjKind::Range)) reserve_items(checked_mul(size_t(std::min<unsigned __int128>(v.as<RangeObj>()->length_wide(), SIZE_MAX / 64)), 4));
  std::vector<Value> items = in.to_vector(a.pos[0]);
  Ref<ListObj> l(new ListObj(std::move(items)));
  CallArgs none;
  none.kwnames = a.kwnames;
  none.kw = a.kw;
  none.nkw = a.nkw;
  in.call_method(Value(l), "sort", none, nullptr);
  return Value(l);
}

Value b_enumerate(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "enumerate", a, 1, 2);
  int64_t start = a.npos == 2 ? to_index(in, a.pos[1]) : 0;
  if (const Value* s = a.kwarg("start")) start = to_index(in, *s);
  // The items are taken at once (as corun's reversed takes its own);
  // each (index, item) pair is made as it is reached, as CPython makes it,
  // so a sum over enumerate(results) holds one pair at a time, not one per item.
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Enumerate));
  it->items = in.to_vector(a.pos[0]);
  charge(it->items.size());
  it->cur = start;
  return Value(it);
}

// zip(*iterables): lazy, as CPython's zip object -- a row is taken when it
// is reached, one item of each iterable in turn, so side effects of the
// iterables interleave as in CPython, and an infinite one is fine.
Value b_zip(Interp& in, const Value&, CallArgs& a) {
  // zip_new's "|$p:zip": one keyword at most, strict, tested for truth.
  bool strict = false;
  if (a.nkw > 1) in.raise(in.builtins().TypeError, "zip() takes at most 1 keyword argument (" + std::to_string(a.nkw) + " given)");
  if (a.nkw == 1) {
    if (a.kwnames[0] != "strict") in.raise(in.builtins().TypeError, "'" + a.kwnames[0] + "' is an invalid keyword argument for zip()");
    strict = in.truthy(a.kw[0]);
  }
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Zip));
  it->cur = strict;
  for (size_t i = 0; i < a.npos; ++i) it->items.push_back(in.get_iter(a.pos[i]));
  return Value(it);
}

Value b_reversed(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "reversed", a, 1, 1);
  const Value& v = a.pos[0];
  if (v.is(ObjKind::Set) || (v.is(ObjKind::Iterator) && (v.as<IteratorObj>()->ikind == IteratorObj::Kind::Map || v.as<IteratorObj>()->ikind == IteratorObj::Kind::Zip ||
                                                         v.as<IteratorObj>()->ikind == IteratorObj::Kind::Filter)))
    in.raise(in.builtins().TypeError, "'" + in.type_of(v)->name + "' object is not reversible");
  std::vector<Value> items = in.to_vector(a.pos[0]);
  std::reverse(items.begin(), items.end());
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Seq));
  it->items = std::move(items);
  return Value(it);
}

Value b_any(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "any", a, 1, 1);
  Value it = in.get_iter(a.pos[0]), x;
  while (in.iter_next(it, x)) {
    charge_step();
    if (in.truthy(x)) return Value::boolean(true);
  }
  return Value::boolean(false);
}

Value b_all(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "all", a, 1, 1);
  Value it = in.get_iter(a.pos[0]), x;
  while (in.iter_next(it, x)) {
    charge_step();
    if (!in.truthy(x)) return Value::boolean(false);
  }
  return Value::boolean(true);
}

bool isinstance_of(Interp& in, const Value& v, const Value& cls) {
  if (cls.is(ObjKind::Tuple)) {
    NativeRecursion guard(" in __instancecheck__", 1);  // tuples of tuples nest
    for (auto& c : cls.as<TupleObj>()->items) if (isinstance_of(in, v, c)) return true;
    return false;
  }
  if (!cls.is(ObjKind::Type)) in.raise(in.builtins().TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
  TypeObj* t = in.type_of(v);
  TypeObj* c = cls.as<TypeObj>();
  if (c == in.builtins().object) return true;
  return t->is_subclass_of(c);
}

Value b_isinstance(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "isinstance", a, 2, 2);
  return Value::boolean(isinstance_of(in, a.pos[0], a.pos[1]));
}

Value b_issubclass(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "issubclass", a, 2, 2);
  if (!a.pos[0].is(ObjKind::Type)) in.raise(in.builtins().TypeError, "issubclass() arg 1 must be a class");
  const Value& cls = a.pos[1];
  std::vector<Value> cands = cls.is(ObjKind::Tuple) ? cls.as<TupleObj>()->items : std::vector<Value>{cls};
  for (auto& c : cands) {
    if (!c.is(ObjKind::Type)) in.raise(in.builtins().TypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
    if (a.pos[0].as<TypeObj>()->is_subclass_of(c.as<TypeObj>()) || c.as<TypeObj>() == in.builtins().object)
      return Value::boolean(true);
  }
  return Value::boolean(false);
}

Value b_type(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "type", a, 1, 1);
  return Value(in.type_of(a.pos[0]));
}

// print(*objects, sep=' ', end='\n', file=None, flush=False), as
// builtin_print: sep and end are None or str; a file is written to by its
// write() method, a piece at a time, as CPython writes it.
Value b_print(Interp& in, const Value&, CallArgs& a) {
  std::string sep = " ", end = "\n";
  const Value* file = nullptr;
  const Value* flush = nullptr;
  for (size_t k = 0; k < a.nkw; ++k) {
    const std::string& name = a.kwnames[k];
    const Value& v = a.kw[k];
    if (name == "sep" || name == "end") {
      if (v.is_none()) continue;
      if (!v.is(ObjKind::Str)) in.raise(in.builtins().TypeError, name + " must be None or a string, not " + in.type_of(v)->name);
      (name == "sep" ? sep : end) = str_of(v);
    } else if (name == "file") {
      if (!v.is_none()) file = &v;
    } else if (name == "flush") {
      flush = &v;
    } else {
      in.raise(in.builtins().TypeError, "'" + name + "' is an invalid keyword argument for print()");
    }
  }
  if (file) {
    auto write = [&](Value text) {
      CallArgs one;
      one.pos = &text;
      one.npos = 1;
      in.call_method(*file, "write", one, nullptr);
    };
    for (size_t i = 0; i < a.npos; ++i) {
      if (i) write(make_str(sep));
      write(make_str(in.str(a.pos[i])));
    }
    write(make_str(end));
    if (flush && in.truthy(*flush)) {
      CallArgs none;
      in.call_method(*file, "flush", none, nullptr);
    }
    return Value();
  }
  std::string line;
  for (size_t i = 0; i < a.npos; ++i) {
    if (i) append_reserved(line, sep);
    append_reserved(line, in.str(a.pos[i]));
  }
  append_reserved(line, end);
  in.write_out(line);
  return Value();
}

Value b_hasattr(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "hasattr", a, 2, 2);
  try {
    in.get_attr(a.pos[0], in.str(a.pos[1]));
    return Value::boolean(true);
  } catch (PyException& e) {
    if (in.exc_matches(e.exc, Value(in.builtins().AttributeError))) return Value::boolean(false);
    throw;
  }
}

Value b_getattr(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "getattr", a, 2, 3);
  try {
    return in.get_attr(a.pos[0], in.str(a.pos[1]));
  } catch (PyException& e) {
    if (a.npos == 3 && in.exc_matches(e.exc, Value(in.builtins().AttributeError))) return a.pos[2];
    throw;
  }
}

// ---- pow, divmod, hex/oct/bin, chr/ord, map/filter, callable, setattr, format, ascii, id

// pow(base, exp, mod=None): keywords by those names, as CPython's signature.
void pow_args(Interp& in, CallArgs& a, Value out[3]) {
  // Argument Clinic's order: the count, then a missing argument, then the keywords.
  if (a.npos + a.nkw > 3) in.raise(in.builtins().TypeError, "pow() takes at most 3 arguments (" + std::to_string(a.npos + a.nkw) + " given)");
  static const char* const names[] = {"base", "exp", "mod"};
  for (size_t i = a.npos; i < 2; ++i)
    if (!a.kwarg(names[i]))
      in.raise(in.builtins().TypeError, std::string("pow() missing required argument '") + names[i] + "' (pos " + std::to_string(i + 1) + ")");
  bool have[3] = {false, false, false};
  for (size_t i = 0; i < a.npos; ++i) { out[i] = a.pos[i]; have[i] = true; }
  for (size_t k = 0; k < a.nkw; ++k) {
    int at = -1;
    for (int i = 0; i < 3; ++i) if (a.kwnames[k] == names[i]) at = i;
    if (at < 0) in.raise(in.builtins().TypeError, "'" + a.kwnames[k] + "' is an invalid keyword argument for pow()");
    if (have[at])
      in.raise(in.builtins().TypeError, std::string("argument for pow() given by name ('") + names[at] + "') and position (" +
                                            std::to_string(at + 1) + ")");
    out[at] = a.kw[k];
    have[at] = true;
  }
  if (!have[2]) out[2] = Value();
}

// The inverse of a modulo m (m > 0, 0 <= a < m), by the extended Euclidean
// algorithm; false when gcd(a, m) != 1.
bool mod_inverse(const BigInt& a, const BigInt& m, BigInt& inv) {
  BigInt r0 = m, r1 = a, t0(0), t1(1);
  while (!r1.is_zero()) {
    charge_step();
    auto [q, r2] = BigInt::divmod(r0, r1);
    BigInt t2 = t0 - q * t1;
    r0 = std::move(r1); r1 = std::move(r2);
    t0 = std::move(t1); t1 = std::move(t2);
  }
  if (r0 != BigInt(1)) return false;
  inv = BigInt::mod(t0, m);
  return true;
}

Value pow3(Interp& in, const Value& base, const Value& exp, const Value& mod) {
  const Builtins& B = in.builtins();
  if (!base.is_integer() || !exp.is_integer() || !mod.is_integer()) {
    if (base.is_number() && exp.is_number() && mod.is_number())
      in.raise(B.TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    in.raise(B.TypeError, "unsupported operand type(s) for ** or pow(): '" + type_name(in, base) + "', '" + type_name(in, exp) +
                              "', '" + type_name(in, mod) + "'");
  }
  BigInt m = to_bigint(mod), b = to_bigint(base), e = to_bigint(exp);
  if (m.is_zero()) in.raise(B.ValueError, "pow() 3rd argument cannot be 0");
  const bool neg_mod = m.is_negative();
  if (neg_mod) m = -m;
  b = BigInt::mod(b, m);
  if (e.is_negative()) {
    BigInt inv;
    if (!mod_inverse(b, m, inv)) in.raise(B.ValueError, "base is not invertible for the given modulus");
    b = std::move(inv);
    e = -e;
  }
  // Square and multiply over the exponent's bits, reducing each step: every
  // BigInt operation charges its work, and nothing grows past m**2.
  BigInt r = BigInt::mod(BigInt(1), m);
  const auto& limbs = e.limbs();
  for (size_t i = limbs.size(); i-- > 0;)
    for (int bit = 31; bit >= 0; --bit) {
      charge_step();
      r = BigInt::mod(r * r, m);
      if ((limbs[i] >> bit) & 1u) r = BigInt::mod(r * b, m);
    }
  if (neg_mod && !r.is_zero()) r = r - m;
  return make_int(std::move(r));
}

Value b_pow(Interp& in, const Value&, CallArgs& a) {
  Value v[3];
  pow_args(in, a, v);
  if (!v[2].is_none()) return pow3(in, v[0], v[1], v[2]);
  return in.binary_op(BinOp::Pow, v[0], v[1]);
}

Value b_divmod(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "divmod", a);
  if (a.npos != 2) in.raise(in.builtins().TypeError, "divmod expected 2 arguments, got " + std::to_string(a.npos));
  const Value &x = a.pos[0], &y = a.pos[1];
  // corun's classes have no __divmod__: numbers only.
  if (!x.is_number() || !y.is_number())
    in.raise(in.builtins().TypeError, "unsupported operand type(s) for divmod(): '" + type_name(in, x) + "' and '" + type_name(in, y) + "'");
  if ((!x.is_integer() || !y.is_integer()) && y.as_double() == 0)
    in.raise(in.builtins().ZeroDivisionError, "float divmod()");
  Value q = in.binary_op(BinOp::FloorDiv, x, y);
  Value r = in.binary_op(BinOp::Mod, x, y);
  return make_tuple({std::move(q), std::move(r)});
}

// hex(x), oct(x), bin(x): '-0x1f' for -31; ints of any size.
Value int_digits(Interp& in, CallArgs& a, const char* fn, const char* prefix, std::string (BigInt::*digits)() const) {
  no_kwargs(in, fn, a);
  arg_count(in, fn, a, 1, 1);
  const Value& v = a.pos[0];
  if (!v.is_integer()) in.raise(in.builtins().TypeError, "'" + type_name(in, v) + "' object cannot be interpreted as an integer");
  BigInt x = to_bigint(v);
  const bool neg = x.is_negative();
  if (neg) x = -x;
  charge(x.limbs().size());
  reserve_bytes(checked_add(checked_mul(x.limbs().size(), 33), 3));
  return make_str(std::string(neg ? "-" : "") + prefix + (x.*digits)());
}

Value b_hex(Interp& in, const Value&, CallArgs& a) { return int_digits(in, a, "hex", "0x", &BigInt::to_hex); }
Value b_oct(Interp& in, const Value&, CallArgs& a) { return int_digits(in, a, "oct", "0o", &BigInt::to_octal); }
Value b_bin(Interp& in, const Value&, CallArgs& a) { return int_digits(in, a, "bin", "0b", &BigInt::to_binary); }

}  // namespace

// See builtins.h.
uint32_t take_code_point(const std::string& s, size_t& i) {
  const unsigned char c = s[i];
  size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (i + n > s.size()) n = s.size() - i;
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += n;
  return cp;
}

namespace {

Value b_chr(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "chr", a);
  arg_count(in, "chr", a, 1, 1);
  const Value& v = a.pos[0];
  if (!v.is_integer()) in.raise(in.builtins().TypeError, "'" + type_name(in, v) + "' object cannot be interpreted as an integer");
  if (v.is_bigint() || v.as_int() > INT32_MAX || v.as_int() < INT32_MIN)
    in.raise(in.builtins().OverflowError, "Python int too large to convert to C int");
  const int64_t cp = v.as_int();
  if (cp < 0 || cp >= 0x110000) in.raise(in.builtins().ValueError, "chr() arg not in range(0x110000)");
  std::string s;
  append_utf8(s, uint32_t(cp));
  return make_str(std::move(s));
}

Value b_ord(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "ord", a);
  arg_count(in, "ord", a, 1, 1);
  const Value& v = a.pos[0];
  if (v.is(ObjKind::Bytes)) {
    const std::string& b = bytes_of(v);
    if (b.size() != 1)
      in.raise(in.builtins().TypeError, "ord() expected a character, but string of length " + std::to_string(b.size()) + " found");
    return Value::integer(int64_t(static_cast<unsigned char>(b[0])));
  }
  if (!v.is(ObjKind::Str))
    in.raise(in.builtins().TypeError, "ord() expected string of length 1, but " + type_name(in, v) + " found");
  const std::string& s = str_of(v);
  if (!s.empty()) {
    size_t i = 0;
    const uint32_t cp = take_code_point(s, i);
    if (i == s.size()) return Value::integer(int64_t(cp));
  }
  charge(s.size() / kBytesPerUnit);
  in.raise(in.builtins().TypeError, "ord() expected a character, but string of length " + std::to_string(pyfmt::utf8_length(s)) + " found");
}

Value b_map(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "map", a);
  if (a.npos < 2) in.raise(in.builtins().TypeError, "map() must have at least two arguments.");
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Map));
  it->source = a.pos[0];
  reserve_items(a.npos);
  for (size_t i = 1; i < a.npos; ++i) it->items.push_back(in.get_iter(a.pos[i]));
  return Value(it);
}

Value b_filter(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "filter", a);
  if (a.npos != 2) in.raise(in.builtins().TypeError, "filter expected 2 arguments, got " + std::to_string(a.npos));
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Filter));
  it->source = a.pos[0];
  it->items.push_back(in.get_iter(a.pos[1]));
  return Value(it);
}

}  // namespace

bool is_callable(Interp& in, const Value& f) {
  return f.is(ObjKind::Function) || f.is(ObjKind::Builtin) || f.is(ObjKind::BoundMethod) || f.is(ObjKind::Type) ||
         ((f.is(ObjKind::Instance) || f.is(ObjKind::Exception)) && in.type_of(f)->find_attr("__call__"));
}

std::string missing_positional_message(const std::string& fn, const std::vector<std::string>& names) {
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) list += (i + 1 == names.size()) ? (names.size() > 2 ? ", and " : " and ") : ", ";
    list += "'" + names[i] + "'";
  }
  return fn + "() missing " + std::to_string(names.size()) + " required positional argument" + (names.size() == 1 ? "" : "s") +
         ": " + list;
}

namespace {

Value b_callable(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "callable", a);
  arg_count(in, "callable", a, 1, 1);
  return Value::boolean(is_callable(in, a.pos[0]));
}

Value b_setattr(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "setattr", a);
  if (a.npos != 3) in.raise(in.builtins().TypeError, "setattr expected 3 arguments, got " + std::to_string(a.npos));
  if (!a.pos[1].is(ObjKind::Str))
    in.raise(in.builtins().TypeError, "attribute name must be string, not '" + type_name(in, a.pos[1]) + "'");
  in.set_attr(a.pos[0], str_of(a.pos[1]), a.pos[2]);
  return Value();
}

Value b_format(Interp& in, const Value&, CallArgs& a) {
  if (a.npos == 0) in.raise(in.builtins().TypeError, "format expected at least 1 argument, got 0");
  if (a.npos > 2) in.raise(in.builtins().TypeError, "format expected at most 2 arguments, got " + std::to_string(a.npos));
  no_kwargs(in, "format", a);
  if (a.npos == 2 && !a.pos[1].is(ObjKind::Str))
    in.raise(in.builtins().TypeError, "format() argument 2 must be str, not " + type_name(in, a.pos[1]));
  return make_str(in.format(a.pos[0], a.npos == 2 ? std::string_view(str_of(a.pos[1])) : std::string_view()));
}

}  // namespace

// repr(x) with every non-ASCII character escaped (\xe9, \u20ac, \U0001f600).
std::string ascii_of(Interp& in, const Value& x) {
  const std::string r = in.repr(x);
  charge(r.size() / kBytesPerUnit);
  std::string out;
  for (size_t i = 0; i < r.size();) {
    if (static_cast<unsigned char>(r[i]) < 0x80) { out += r[i++]; continue; }
    const uint32_t cp = take_code_point(r, i);
    char buf[16];
    if (cp < 0x100) std::snprintf(buf, sizeof buf, "\\x%02x", cp);
    else if (cp < 0x10000) std::snprintf(buf, sizeof buf, "\\u%04x", cp);
    else std::snprintf(buf, sizeof buf, "\\U%08x", cp);
    append_reserved(out, buf);
  }
  return out;
}

namespace {

// object(): a bare instance, the usual sentinel (`_missing = object()`);
// object_new refuses arguments when neither __new__ nor __init__ is overridden.
Value object_new(Interp& in, const Value& type, CallArgs& a) {
  if (a.npos || a.nkw) in.raise(in.builtins().TypeError, "object() takes no arguments");
  return Value(Ref<InstanceObj>(new InstanceObj(type.as<TypeObj>())));
}

// ascii(x)
Value b_ascii(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "ascii", a);
  arg_count(in, "ascii", a, 1, 1);
  return make_str(ascii_of(in, a.pos[0]));
}

// id(x): for an object, the address its repr shows (fake_address: the same
// number while it lives); for a value corun keeps unboxed (ints, floats,
// None, bools), a number made from the value itself, past any address, so
// that `x is y` and `id(x) == id(y)` agree.
Value b_id(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "id", a);
  arg_count(in, "id", a, 1, 1);
  const Value& v = a.pos[0];
  if (v.is_obj()) return Value::integer(int64_t(std::stoull(fake_address(v.obj()), nullptr, 16)));
  uint64_t bits = 0;
  if (v.is_float()) {
    const double d = v.as_float() == 0 ? 0.0 : v.as_float();
    std::memcpy(&bits, &d, sizeof bits);
  } else if (!v.is_none()) {
    bits = uint64_t(v.as_int());
  }
  BigInt id = BigInt::pow(BigInt(2), 66) + BigInt(int64_t(v.kind())) * BigInt::pow(BigInt(2), 64) +
              BigInt(int64_t(bits >> 32)) * BigInt(int64_t(1) << 32) + BigInt(int64_t(bits & 0xffffffffu));
  return make_int(std::move(id));
}

// Calling an exception class makes an instance with those args.
Value exception_ctor(Interp& in, const Value& self, CallArgs& a) {
  TypeObj* t = self.as<TypeObj>();
  if (t->is_subclass_of(in.builtins().ImportError)) {
    // ImportError(*args, name=None, path=None): msg is the one argument, if one.
    Value name, path;
    for (size_t i = 0; i < a.nkw; ++i) {
      if (a.kwnames[i] == "name") name = a.kw[i];
      else if (a.kwnames[i] == "path") path = a.kw[i];
      else in.raise(in.builtins().TypeError, "'" + a.kwnames[i] + "' is an invalid keyword argument for ImportError()");
    }
    Value e = in.make_exception_args(t, std::vector<Value>(a.pos, a.pos + a.npos));
    Ref<DictObj> attrs(new DictObj());
    attrs->set(make_str("msg"), a.npos == 1 ? a.pos[0] : Value());
    attrs->set(make_str("name"), name);
    attrs->set(make_str("path"), path);
    e.as<ExcObj>()->attrs = Value(attrs);
    return e;
  }
  if (a.nkw) in.raise(in.builtins().TypeError, t->name + "() takes no keyword arguments");
  if (t->is_subclass_of(in.builtins().BaseExceptionGroup)) {
    if (a.npos != 2) in.raise(in.builtins().TypeError, "BaseExceptionGroup.__new__() takes exactly 2 arguments (" + std::to_string(a.npos) + " given)");
    std::vector<Value> excs = in.to_vector(a.pos[1]);
    if (excs.empty()) in.raise(in.builtins().ValueError, "second argument (exceptions) must be a non-empty sequence");
    bool all_exceptions = true;
    for (auto& x : excs) {
      if (!x.is(ObjKind::Exception)) in.raise(in.builtins().ValueError, "Item " + std::to_string(&x - &excs[0]) + " of second argument (exceptions) is not an exception");
      if (!x.as<ExcObj>()->type->is_subclass_of(in.builtins().Exception)) all_exceptions = false;
    }
    // BaseExceptionGroup(...) of Exceptions only is an ExceptionGroup; an
    // ExceptionGroup cannot hold a BaseException.
    if (t == in.builtins().BaseExceptionGroup && all_exceptions) t = in.builtins().ExceptionGroup;
    if (t->is_subclass_of(in.builtins().ExceptionGroup) && !all_exceptions)
      in.raise(in.builtins().TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
    Value group = in.make_exception_args(t, {a.pos[0], make_tuple(std::move(excs))});
    group.as<ExcObj>()->group_from_tuple = a.pos[1].is(ObjKind::Tuple);
    return group;
  }
  std::vector<Value> args(a.pos, a.pos + a.npos);
  if (t->is_subclass_of(in.builtins().OSError)) {
    std::vector<Value> extra;
    t = os_error_new(in, t, args, extra);
    Value e = in.make_exception_args(t, std::move(args));
    os_error_fill(e.as<ExcObj>(), extra);
    return e;
  }
  return in.make_exception_args(t, std::move(args));
}

}  // namespace

// set(iterable=()), frozenset(iterable=()), hash(x).
Value b_set(Interp& in, const Value& self, CallArgs& a) {
  const bool frozen = self.as<TypeObj>() == in.builtins().frozenset;
  const char* name = frozen ? "frozenset" : "set";
  if (a.nkw) in.raise(in.builtins().TypeError, std::string(name) + "() takes no keyword arguments");
  if (a.npos > 1) in.raise(in.builtins().TypeError, std::string(name) + " expected at most 1 argument, got " + std::to_string(a.npos));
  return Value(pyset::make(in, a.npos ? a.pos[0] : Value::unbound(), frozen));
}

Value b_hash(Interp& in, const Value&, CallArgs& a) {
  arg_count(in, "hash", a, 1, 1);
  return Value::integer(py_hash(in, a.pos[0]).value);
}

// ---- the table ------------------------------------------------------------------------

Builtins::Builtins(Interp& in) {
  auto mk = [&](const char* name, const char* module, TypeObj* base, TypeKind k) {
    TypeObj* t = new TypeObj(name, module, base, k);
    owned.push_back(Value(t));
    return t;
  };
  object = mk("object", "builtins", nullptr, TypeKind::Builtin);
  type = mk("type", "builtins", object, TypeKind::Builtin);
  none = mk("NoneType", "builtins", object, TypeKind::Builtin);
  int_ = mk("int", "builtins", object, TypeKind::Builtin);
  bool_ = mk("bool", "builtins", int_, TypeKind::Builtin);
  float_ = mk("float", "builtins", object, TypeKind::Builtin);
  str = mk("str", "builtins", object, TypeKind::Builtin);
  bytes = mk("bytes", "builtins", object, TypeKind::Builtin);
  list = mk("list", "builtins", object, TypeKind::Builtin);
  tuple = mk("tuple", "builtins", object, TypeKind::Builtin);
  dict = mk("dict", "builtins", object, TypeKind::Builtin);
  range = mk("range", "builtins", object, TypeKind::Builtin);
  deque = mk("deque", "collections", object, TypeKind::Builtin);
  set = mk("set", "builtins", object, TypeKind::Builtin);
  frozenset = mk("frozenset", "builtins", object, TypeKind::Builtin);
  dict_keys = mk("dict_keys", "builtins", object, TypeKind::Builtin);
  dict_values = mk("dict_values", "builtins", object, TypeKind::Builtin);
  dict_items = mk("dict_items", "builtins", object, TypeKind::Builtin);
  defaultdict = mk("defaultdict", "collections", dict, TypeKind::Builtin);
  Counter = mk("Counter", "collections", dict, TypeKind::Builtin);
  OrderedDict = mk("OrderedDict", "collections", dict, TypeKind::Builtin);
  odict_keys = mk("odict_keys", "builtins", dict_keys, TypeKind::Builtin);
  odict_values = mk("odict_values", "builtins", dict_values, TypeKind::Builtin);
  odict_items = mk("odict_items", "builtins", dict_items, TypeKind::Builtin);
  function = mk("function", "builtins", object, TypeKind::Builtin);
  builtin_function = mk("builtin_function_or_method", "builtins", object, TypeKind::Builtin);
  coroutine = mk("coroutine", "builtins", object, TypeKind::Builtin);
  async_generator = mk("async_generator", "builtins", object, TypeKind::Builtin);
  generator = mk("generator", "builtins", object, TypeKind::Builtin);
  agen_asend = mk("async_generator_asend", "builtins", object, TypeKind::Builtin);
  agen_athrow = mk("async_generator_athrow", "builtins", object, TypeKind::Builtin);
  module = mk("module", "builtins", object, TypeKind::Builtin);
  future = mk("Future", "_asyncio", object, TypeKind::Builtin);
  task = mk("Task", "_asyncio", future, TypeKind::Builtin);
  method = mk("method", "builtins", object, TypeKind::Builtin);
  iterator = mk("iterator", "builtins", object, TypeKind::Builtin);
  map = mk("map", "builtins", object, TypeKind::Builtin);
  filter = mk("filter", "builtins", object, TypeKind::Builtin);
  zip = mk("zip", "builtins", object, TypeKind::Builtin);
  generator = mk("generator", "builtins", object, TypeKind::Builtin);
  handle = mk("TimerHandle", "asyncio.events", object, TypeKind::Builtin);

  auto ex = [&](const char* name, TypeObj* base, const char* module = "builtins") {
    TypeObj* t = mk(name, module, base, TypeKind::Exception);
    t->ctor = exception_ctor;
    return t;
  };
  BaseException = ex("BaseException", object);
  Exception = ex("Exception", BaseException);
  ArithmeticError = ex("ArithmeticError", Exception);
  ZeroDivisionError = ex("ZeroDivisionError", ArithmeticError);
  OverflowError = ex("OverflowError", ArithmeticError);
  LookupError = ex("LookupError", Exception);
  KeyError = ex("KeyError", LookupError);
  IndexError = ex("IndexError", LookupError);
  ValueError = ex("ValueError", Exception);
  TypeError = ex("TypeError", Exception);
  UnicodeError = ex("UnicodeError", ValueError);
  UnicodeDecodeError = ex("UnicodeDecodeError", UnicodeError);
  UnicodeEncodeError = ex("UnicodeEncodeError", UnicodeError);
  UnicodeTranslateError = ex("UnicodeTranslateError", UnicodeError);
  FloatingPointError = ex("FloatingPointError", ArithmeticError);
  ImportError = ex("ImportError", Exception);
  ModuleNotFoundError = ex("ModuleNotFoundError", ImportError);
  SyntaxError = ex("SyntaxError", Exception);
  IndentationError = ex("IndentationError", SyntaxError);
  TabError = ex("TabError", IndentationError);
  SystemError = ex("SystemError", Exception);
  ReferenceError = ex("ReferenceError", Exception);
  BufferError = ex("BufferError", Exception);
  Warning = ex("Warning", Exception);
  UserWarning = ex("UserWarning", Warning);
  DeprecationWarning = ex("DeprecationWarning", Warning);
  PendingDeprecationWarning = ex("PendingDeprecationWarning", Warning);
  SyntaxWarning = ex("SyntaxWarning", Warning);
  RuntimeWarning = ex("RuntimeWarning", Warning);
  FutureWarning = ex("FutureWarning", Warning);
  ImportWarning = ex("ImportWarning", Warning);
  UnicodeWarning = ex("UnicodeWarning", Warning);
  BytesWarning = ex("BytesWarning", Warning);
  ResourceWarning = ex("ResourceWarning", Warning);
  EncodingWarning = ex("EncodingWarning", Warning);
  RuntimeError = ex("RuntimeError", Exception);
  RecursionError = ex("RecursionError", RuntimeError);
  NotImplementedError = ex("NotImplementedError", RuntimeError);
  NameError = ex("NameError", Exception);
  UnboundLocalError = ex("UnboundLocalError", NameError);
  AttributeError = ex("AttributeError", Exception);
  AssertionError = ex("AssertionError", Exception);
  StopIteration = ex("StopIteration", Exception);
  StopAsyncIteration = ex("StopAsyncIteration", Exception);
  OSError = ex("OSError", Exception);
  ConnectionError = ex("ConnectionError", OSError);
  ConnectionRefusedError = ex("ConnectionRefusedError", ConnectionError);
  ConnectionResetError = ex("ConnectionResetError", ConnectionError);
  TimeoutError = ex("TimeoutError", OSError);
  BlockingIOError = ex("BlockingIOError", OSError);
  BrokenPipeError = ex("BrokenPipeError", ConnectionError);
  ConnectionAbortedError = ex("ConnectionAbortedError", ConnectionError);
  PermissionError = ex("PermissionError", OSError);
  ChildProcessError = ex("ChildProcessError", OSError);
  FileExistsError = ex("FileExistsError", OSError);
  FileNotFoundError = ex("FileNotFoundError", OSError);
  IsADirectoryError = ex("IsADirectoryError", OSError);
  NotADirectoryError = ex("NotADirectoryError", OSError);
  InterruptedError = ex("InterruptedError", OSError);
  ProcessLookupError = ex("ProcessLookupError", OSError);
  EOFError = ex("EOFError", Exception);
  KeyboardInterrupt = ex("KeyboardInterrupt", BaseException);
  MemoryError = ex("MemoryError", Exception);
  SystemExit = ex("SystemExit", BaseException);
  GeneratorExit = ex("GeneratorExit", BaseException);
  BaseExceptionGroup = ex("BaseExceptionGroup", BaseException);
  ExceptionGroup = ex("ExceptionGroup", BaseExceptionGroup);
  ExceptionGroup->second_base = Exception;
  CancelledError = ex("CancelledError", BaseException, "asyncio.exceptions");
  InvalidStateError = ex("InvalidStateError", Exception, "asyncio.exceptions");
  BrokenBarrierError = ex("BrokenBarrierError", RuntimeError, "asyncio.exceptions");
  QueueEmpty = ex("QueueEmpty", Exception, "asyncio.queues");
  QueueFull = ex("QueueFull", Exception, "asyncio.queues");
  gaierror = ex("gaierror", OSError, "socket");  // getaddrinfo()'s errors: errno is an EAI_* code (-2, -8, ...)
  herror = ex("herror", OSError, "socket");

  object->ctor = object_new;
  int_->ctor = b_int;
  float_->ctor = b_float;
  str->ctor = b_str;
  bytes->ctor = bytes_new;
  bytes->class_attrs.emplace_back("fromhex", Value(new BuiltinObj("fromhex", bytes_fromhex)));
  bool_->ctor = b_bool;
  list->ctor = b_list;
  tuple->ctor = b_tuple;
  dict->ctor = b_dict;
  range->ctor = b_range;
  set->ctor = b_set;
  frozenset->ctor = b_set;
  type->ctor = b_type;
  map->ctor = b_map;
  filter->ctor = b_filter;
  future->ctor = [](Interp& in, const Value&, CallArgs& a) -> Value {
    if (a.npos) in.raise(in.builtins().TypeError, "Future() takes no positional arguments");
    return Value(in.create_future());
  };

  values.resize(kNames.size());
  auto fn = [&](const char* name, Builtin f) { values[builtin_index(name)] = Value(new BuiltinObj(name, f)); };
  auto ty = [&](const char* name, TypeObj* t) { values[builtin_index(name)] = Value(t); };
  fn("len", b_len);
  fn("repr", b_repr);
  fn("sum", b_sum);
  fn("min", b_min);
  fn("max", b_max);
  fn("abs", b_abs);
  fn("round", b_round);
  fn("sorted", b_sorted);
  fn("enumerate", b_enumerate);
  fn("zip", b_zip);
  fn("reversed", b_reversed);
  fn("any", b_any);
  fn("all", b_all);
  fn("isinstance", b_isinstance);
  fn("issubclass", b_issubclass);
  fn("print", b_print);
  fn("hasattr", b_hasattr);
  fn("getattr", b_getattr);
  fn("hash", b_hash);
  fn("pow", b_pow);
  fn("divmod", b_divmod);
  fn("hex", b_hex);
  fn("oct", b_oct);
  fn("bin", b_bin);
  fn("chr", b_chr);
  fn("ord", b_ord);
  fn("callable", b_callable);
  fn("setattr", b_setattr);
  fn("format", b_format);
  fn("ascii", b_ascii);
  fn("id", b_id);
  ty("map", map);
  ty("filter", filter);
  ty("EnvironmentError", OSError);  // aliases, as in CPython
  ty("IOError", OSError);
  ty("set", set);
  ty("frozenset", frozenset);
  ty("str", str);
  ty("bytes", bytes);
  ty("int", int_);
  ty("float", float_);
  ty("bool", bool_);
  ty("list", list);
  ty("tuple", tuple);
  ty("dict", dict);
  ty("range", range);
  ty("type", type);
  ty("object", object);
  for (TypeObj* t : {BaseException, Exception, ArithmeticError, ZeroDivisionError, OverflowError, LookupError, KeyError,
                     IndexError, ValueError, TypeError, RuntimeError, RecursionError, NotImplementedError, NameError,
                     UnboundLocalError, AttributeError, AssertionError, StopIteration, StopAsyncIteration, OSError,
                     ConnectionError, ConnectionRefusedError, ConnectionResetError, TimeoutError, BlockingIOError,
                     BrokenPipeError, ConnectionAbortedError, PermissionError, ChildProcessError, FileExistsError,
                     FileNotFoundError, IsADirectoryError, NotADirectoryError, InterruptedError,
                     ProcessLookupError, EOFError, KeyboardInterrupt,
                     SystemExit, GeneratorExit, BaseExceptionGroup, ExceptionGroup, CancelledError, MemoryError,
                     UnicodeError, UnicodeDecodeError, UnicodeEncodeError, UnicodeTranslateError, ImportError,
                     ModuleNotFoundError, SyntaxError, IndentationError, TabError, SystemError, ReferenceError, BufferError,
                     FloatingPointError, Warning, UserWarning, DeprecationWarning, PendingDeprecationWarning, SyntaxWarning,
                     RuntimeWarning, FutureWarning, ImportWarning, UnicodeWarning, BytesWarning, ResourceWarning,
                     EncodingWarning})
    ty(t->name.c_str(), t);
  values[builtin_index("asyncio")] = make_asyncio_module(in, *this);
  values[builtin_index("time")] = make_time_module(in, *this);
  values[builtin_index("random")] = make_random_module(in, *this);
  values[builtin_index("math")] = make_math_module(in, *this);
  values[builtin_index("itertools")] = make_itertools_module(in, *this);
  values[builtin_index("functools")] = make_functools_module(in, *this);
  add_prelude_helpers(in, *this);
  add_event_loop_helpers(*this);
  add_class_helpers(in, *this);
  add_descriptor_types(in, *this);
  values[builtin_index("collections")] = make_collections_module(in, *this);
  values[builtin_index("contextlib")] = make_contextlib_module(in, *this);
  add_generator_builtins(*this);
}

Builtins::~Builtins() {
  // Types refer to each other through raw base pointers only; dropping the
  // owning list frees them all.
  values.clear();
  owned.clear();
}

}  // namespace corun
