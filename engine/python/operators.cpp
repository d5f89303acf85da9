// Python's operators over corun's values: arithmetic (binary_op, with
// BigInt past 64 bits), comparison and `in` (compare), and truth (truthy),
// with the scenario classes' dunders tried first as CPython's number and
// rich-comparison protocols do; the messages are CPython's.
#include "engine/compile/code.h"
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "engine/python/bitwise.h"
#include "engine/python/builtins.h"
#include "engine/python/collections_module.h"
#include "engine/python/bytes.h"
#include "engine/python/classes.h"
#include "engine/python/pyformat.h"
#include "engine/python/printf_format.h"
#include "engine/python/recursion.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

// Arithmetic past 64 bits (either operand a BigInt, or an int64 overflow).
Value bigint_op(Interp& in, BinOp op, const Value& a, const Value& b) {
  const Builtins& B = in.builtins();
  BigInt x = to_bigint(a), y = to_bigint(b);
  switch (op) {
    case BinOp::Add: return make_int(x + y);
    case BinOp::Sub: return make_int(x - y);
    case BinOp::Mul: return make_int(x * y);
    case BinOp::Div:
      if (y.is_zero()) in.raise(B.ZeroDivisionError, "division by zero");
      return Value::flt(a.as_double() / b.as_double());
    case BinOp::FloorDiv:
    case BinOp::Mod:
      if (y.is_zero()) in.raise(B.ZeroDivisionError, "integer division or modulo by zero");
      return make_int(op == BinOp::FloorDiv ? BigInt::floordiv(x, y) : BigInt::mod(x, y));
    case BinOp::Pow: {
      if (y.is_negative()) {
        if (x.is_zero()) in.raise(B.ZeroDivisionError, "0.0 cannot be raised to a negative power");
        return Value::flt(std::pow(a.as_double(), b.as_double()));
      }
      if (x.is_zero() || x == BigInt(1)) return make_int(x);
      if (x == BigInt(-1)) return make_int(y.is_zero() ? BigInt(1) : BigInt::mod(y, BigInt(2)).is_zero() ? BigInt(1) : x);
      // |x| >= 2 here: an exponent past 2**63 needs more than 2**63 bits,
      // which no memory holds (MemoryError, as CPython's allocation fails).
      // Below that, pow reserves the result and charges its multiplications.
      if (!y.fits_int64()) throw std::bad_alloc();
      return make_int(BigInt::pow(x, uint64_t(y.to_int64())));
    }
    default: break;
  }
  return Value();
}

void Interp::raise_unorderable(CmpOp op, const Value& a, const Value& b) {
  const char* symbol = op == CmpOp::Lt ? "<" : op == CmpOp::Le ? "<=" : op == CmpOp::Gt ? ">" : op == CmpOp::Ge ? ">=" : "!=";
  raise(builtins_->TypeError, std::string("'") + symbol + "' not supported between instances of '" + type_of(a)->name +
                                  "' and '" + type_of(b)->name + "'");
}

// bool(x) for an instance: __bool__, else __len__, else True.
static bool user_truthy(Interp& in, const Value& v) {
  if (const FunctionObj* f = user_method_of(v, "__bool__")) {
    Value r = call_dunder(in, v, f, {});
    if (!r.is_bool()) in.raise(in.builtins().TypeError, "__bool__ should return bool, returned " + in.type_of(r)->name);
    return r.as_bool();
  }
  if (const FunctionObj* f = user_method_of(v, "__len__")) {
    Value r = call_dunder(in, v, f, {});
    if (!r.is_intlike()) in.raise(in.builtins().TypeError, "'" + in.type_of(r)->name + "' object cannot be interpreted as an integer");
    if (r.as_int() < 0) in.raise(in.builtins().ValueError, "__len__() should return >= 0");
    return r.as_int() != 0;
  }
  return true;
}

bool Interp::truthy(const Value& v) {
  switch (v.kind()) {
    case VKind::Unbound:
    case VKind::None: return false;
    case VKind::Bool:
    case VKind::Int: return v.as_int() != 0;
    case VKind::Float: return v.as_float() != 0.0;
    case VKind::Obj: break;
  }
  switch (v.obj()->okind) {
    case ObjKind::BigInt: return true;  // never zero: zero fits in 64 bits
    case ObjKind::Str: return !str_of(v).empty();
    case ObjKind::Bytes: return !bytes_of(v).empty();
    case ObjKind::List: return !v.as<ListObj>()->items.empty();
    case ObjKind::Deque: return !v.as<DequeObj>()->items.empty();
    case ObjKind::Set: return v.as<SetObj>()->size() != 0;
    case ObjKind::DictView: return !v.as<DictViewObj>()->target()->entries.empty();
    case ObjKind::Tuple: return !v.as<TupleObj>()->items.empty();
    case ObjKind::Dict: return !v.as<DictObj>()->entries.empty();
    case ObjKind::Range: return v.as<RangeObj>()->length() != 0;
    case ObjKind::Instance: return user_truthy(*this, v);
    default: return true;
  }
}

namespace {

const char* op_symbol(BinOp op) {
  switch (op) {
    case BinOp::Add: return "+";
    case BinOp::Sub: return "-";
    case BinOp::Mul: return "*";
    case BinOp::Div: return "/";
    case BinOp::FloorDiv: return "//";
    case BinOp::Mod: return "%";
    case BinOp::Pow: return "** or pow()";
    default: break;
  }
  return "?";
}

// seq * n (str, list, tuple), with CPython's size checks: a length that
// would pass PY_SSIZE_T_MAX is OverflowError for str ("repeated string is too
// long") and MemoryError for list and tuple; one that merely does not fit in
// memory is MemoryError, refused before anything is built.
Value repeat_seq(Interp& in, const Value& seq, int64_t n) {
  if (n < 0) n = 0;
  if (seq.is(ObjKind::Str)) {
    const std::string& s = str_of(seq);
    if (n == 0 || s.empty()) return make_str("");
    size_t bytes;
    if (__builtin_mul_overflow(s.size(), size_t(n), &bytes) || bytes > size_t(INT64_MAX)) {
      // CPython counts code points; UTF-8 bytes can overflow where they don't.
      if (pyfmt::utf8_length(s) > size_t(INT64_MAX / n)) in.raise(in.builtins().OverflowError, "repeated string is too long");
      throw std::bad_alloc();
    }
    reserve_bytes(bytes);
    // Doubling copies: log2(n) memcpy calls, not n appends of a short string.
    std::string out;
    out.reserve(bytes);
    out += s;
    while (out.size() * 2 <= bytes) out.append(out.data(), out.size());
    out.append(out.data(), bytes - out.size());
    return make_str(std::move(out));
  }
  const auto& items = seq.is(ObjKind::List) ? seq.as<ListObj>()->items : seq.as<TupleObj>()->items;
  if (n == 0 || items.empty()) return seq.is(ObjKind::List) ? make_list() : make_tuple();
  const size_t count = checked_mul(items.size(), size_t(n));
  reserve_items(count);
  std::vector<Value> out;
  out.reserve(count);
  for (int64_t i = 0; i < n; ++i) out.insert(out.end(), items.begin(), items.end());
  return seq.is(ObjKind::List) ? make_list(std::move(out)) : make_tuple(std::move(out));
}

// a + b for str, list, tuple: the result's size is checked before it is built.
Value concat_seq(const Value& a, const Value& b) {
  if (a.is(ObjKind::Str)) {
    const std::string &x = str_of(a), &y = str_of(b);
    const size_t bytes = checked_add(x.size(), y.size());
    reserve_bytes(bytes);
    std::string out;
    out.reserve(bytes);
    out += x;
    out += y;
    return make_str(std::move(out));
  }
  const auto& x = a.is(ObjKind::List) ? a.as<ListObj>()->items : a.as<TupleObj>()->items;
  const auto& y = b.is(ObjKind::List) ? b.as<ListObj>()->items : b.as<TupleObj>()->items;
  reserve_items(checked_add(x.size(), y.size()));
  std::vector<Value> v;
  v.reserve(x.size() + y.size());
  v.insert(v.end(), x.begin(), x.end());
  v.insert(v.end(), y.begin(), y.end());
  return a.is(ObjKind::List) ? make_list(std::move(v)) : make_tuple(std::move(v));
}

}  // namespace

Value Interp::binary_op(BinOp op, const Value& a, const Value& b) {
  const Builtins& B = *builtins_;
  if (op >= BinOp::BitOr) return bitwise_op(*this, op, a, b);
  if (a.is_intlike() && b.is_intlike()) {
    int64_t x = a.as_int(), y = b.as_int(), r = 0;
    // Past 64 bits Python's ints keep growing: redo the operation in BigInt.
    auto overflow = [&]() -> Value { return bigint_op(*this, op, a, b); };
    switch (op) {
      case BinOp::Add: if (__builtin_add_overflow(x, y, &r)) return overflow(); return Value::integer(r);
      case BinOp::Sub: if (__builtin_sub_overflow(x, y, &r)) return overflow(); return Value::integer(r);
      case BinOp::Mul: if (__builtin_mul_overflow(x, y, &r)) return overflow(); return Value::integer(r);
      case BinOp::Div:
        if (y == 0) raise(B.ZeroDivisionError, "division by zero");
        return Value::flt(double(x) / double(y));
      case BinOp::FloorDiv: {
        if (y == 0) raise(B.ZeroDivisionError, "integer division or modulo by zero");
        if (x == INT64_MIN && y == -1) return overflow();
        int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
        return Value::integer(q);
      }
      case BinOp::Mod: {
        if (y == 0) raise(B.ZeroDivisionError, "integer division or modulo by zero");
        if (y == -1) return Value::integer(0);
        int64_t m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return Value::integer(m);
      }
      case BinOp::Pow: {
        if (y < 0) {
          if (x == 0) raise(B.ZeroDivisionError, "0.0 cannot be raised to a negative power");
          return Value::flt(std::pow(double(x), double(y)));
        }
        int64_t result = 1, base = x;
        int64_t e = y;
        while (e > 0) {
          if (e & 1) { if (__builtin_mul_overflow(result, base, &result)) return overflow(); }
          e >>= 1;
          if (e > 0 && __builtin_mul_overflow(base, base, &base)) return overflow();
        }
        return Value::integer(result);
      }
      default: break;
    }
  }
  if (may_have_dunders(a) || may_have_dunders(b)) {
    Value r;
    if (user_binary(*this, int(op), a, b, r)) return r;
  }

  if (a.is_integer() && b.is_integer()) return bigint_op(*this, op, a, b);
  if ((op == BinOp::Add || op == BinOp::Sub) && a.is(ObjKind::Dict)) {
    Value r;
    if (counter_binary(*this, op == BinOp::Add ? '+' : '-', a, b, r)) return r;
  }
  if (a.is_number() && b.is_number()) {
    double x = a.as_double(), y = b.as_double();
    switch (op) {
      case BinOp::Add: return Value::flt(x + y);
      case BinOp::Sub: return Value::flt(x - y);
      case BinOp::Mul: return Value::flt(x * y);
      case BinOp::Div:
        if (y == 0) raise(B.ZeroDivisionError, "float division by zero");
        return Value::flt(x / y);
      case BinOp::FloorDiv: {
        if (y == 0) raise(B.ZeroDivisionError, "float floor division by zero");
        double m = std::fmod(x, y);
        double div = (x - m) / y;
        if (m != 0 && ((y < 0) != (m < 0))) div -= 1.0;
        double fl = std::floor(div);
        if (div - fl > 0.5) fl += 1.0;
        if (div == 0) fl = std::copysign(0.0, x / y);
        return Value::flt(fl);
      }
      case BinOp::Mod: {
        if (y == 0) raise(B.ZeroDivisionError, "float modulo");
        double m = std::fmod(x, y);
        if (m != 0) { if ((y < 0) != (m < 0)) m += y; }
        else m = std::copysign(0.0, y);
        return Value::flt(m);
      }
      case BinOp::Pow:
        if (x == 0 && y < 0) raise(B.ZeroDivisionError, "0.0 cannot be raised to a negative power");
        if (x < 0 && y != std::floor(y)) raise(B.ValueError, "complex results are not supported by corun");
        if (double r = std::pow(x, y); !std::isinf(r) || std::isinf(x) || std::isinf(y)) return Value::flt(r);
        // A finite power past the float range: CPython's float_pow reports ERANGE.
        raise_value(make_exception_args(B.OverflowError, {Value::integer(34), make_str("Numerical result out of range")}));
      default: break;
    }
  }
  if (a.is(ObjKind::Bytes) || b.is(ObjKind::Bytes)) {
    Value r;
    if (bytes_binary_op(*this, op, a, b, r)) return r;
  }
  if (op == BinOp::Add) {
    if ((a.is(ObjKind::Str) && b.is(ObjKind::Str)) || (a.is(ObjKind::List) && b.is(ObjKind::List)) ||
        (a.is(ObjKind::Tuple) && b.is(ObjKind::Tuple)))
      return concat_seq(a, b);
    if (a.is(ObjKind::Str)) raise(B.TypeError, "can only concatenate str (not \"" + type_of(b)->name + "\") to str");
    if (a.is(ObjKind::List)) raise(B.TypeError, "can only concatenate list (not \"" + type_of(b)->name + "\") to list");
    if (a.is(ObjKind::Tuple)) raise(B.TypeError, "can only concatenate tuple (not \"" + type_of(b)->name + "\") to tuple");
  }
  if (op == BinOp::Mul) {
    bool seq_a = a.is(ObjKind::Str) || a.is(ObjKind::List) || a.is(ObjKind::Tuple);
    bool seq_b = b.is(ObjKind::Str) || b.is(ObjKind::List) || b.is(ObjKind::Tuple);
    if (seq_a && b.is_intlike()) return repeat_seq(*this, a, b.as_int());
    if (seq_b && a.is_intlike()) return repeat_seq(*this, b, a.as_int());
    // A count past 64 bits, either sign: CPython's index conversion refuses it.
    if ((seq_a && b.is_bigint()) || (seq_b && a.is_bigint()))
      raise(B.OverflowError, "cannot fit 'int' into an index-sized integer");
    if (seq_a || seq_b)
      raise(B.TypeError, "can't multiply sequence by non-int of type '" + type_of(seq_a ? b : a)->name + "'");
  }
  if (op == BinOp::Sub) {  // set difference
    Value out;
    if (set_binary_op(*this, '-', a, b, out)) return out;
  }
  if (op == BinOp::Mod && a.is(ObjKind::Str)) return printf_format(*this, str_of(a), b);
  raise(B.TypeError, std::string("unsupported operand type(s) for ") + op_symbol(op) + ": '" + type_of(a)->name +
                         "' and '" + type_of(b)->name + "'");
}

namespace {

bool contains(Interp& in, const Value& container, const Value& item) {
  if (container.is(ObjKind::Str)) {
    if (!item.is(ObjKind::Str))
      in.raise(in.builtins().TypeError, "'in <string>' requires string as left operand, not " + in.type_of(item)->name);
    charge(str_of(container).size() / kBytesPerUnit);
    return str_of(container).find(str_of(item)) != std::string::npos;
  }
  if (container.is(ObjKind::Bytes)) return bytes_contains(in, container, item);
  if (container.is(ObjKind::Dict)) return container.as<DictObj>()->find(item) != nullptr;
  if (container.is(ObjKind::Set)) return pyset::contains(in, container.as<SetObj>(), item);
  if (container.is(ObjKind::DictView)) return dict_view_contains(in, container.as<DictViewObj>(), item);
  if (container.is(ObjKind::Range)) {
    auto* r = container.as<RangeObj>();
    if (!item.is_intlike()) return false;
    int64_t x = item.as_int();
    if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop)) return false;
    return (x - r->start) % r->step == 0;
  }
  if (container.is(ObjKind::List) || container.is(ObjKind::Tuple)) {
    const auto& items = container.is(ObjKind::List) ? container.as<ListObj>()->items : container.as<TupleObj>()->items;
    for (auto& x : items) {
      charge_step();
      if (x.same(item) || values_equal(x, item)) return true;
    }
    return false;
  }
  if (const FunctionObj* f = user_method_of(container, "__contains__"))
    return in.truthy(call_dunder(in, container, f, {item}));
  Value it = in.get_iter(container), x;
  while (in.iter_next(it, x)) {
    charge_step();
    if (x.same(item) || values_equal(x, item)) return true;
  }
  return false;
}


// -1, 0, 1 for ordered comparison; 2 when every ordered comparison is false
// (NaN); 3 or 4 when the answer is true or false itself (sets, ordered by
// inclusion); raises TypeError when unordered.
int order(Interp& in, CmpOp op, const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) {
      double x = a.as_double(), y = b.as_double();
      if (std::isnan(x) || std::isnan(y)) return 2;  // every ordered comparison is false
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.is_intlike() && b.is_intlike()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    return to_bigint(a).compare(to_bigint(b));
  }
  if (a.is(ObjKind::Str) && b.is(ObjKind::Str)) {
    int c = str_of(a).compare(str_of(b));  // UTF-8 byte order == code point order
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is(ObjKind::Bytes) && b.is(ObjKind::Bytes)) {
    const std::string &x = bytes_of(a), &y = bytes_of(b);
    charge(std::min(x.size(), y.size()) / kBytesPerUnit);
    int c = x.compare(y);  // bytes_richcompare: memcmp, then the lengths
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  bool la = a.is(ObjKind::List), lb = b.is(ObjKind::List), ta = a.is(ObjKind::Tuple), tb = b.is(ObjKind::Tuple);
  if ((la && lb) || (ta && tb)) {
    NativeRecursion guard(" in comparison", 1);
    const auto& x = la ? a.as<ListObj>()->items : a.as<TupleObj>()->items;
    const auto& y = lb ? b.as<ListObj>()->items : b.as<TupleObj>()->items;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (values_equal(x[i], y[i])) continue;
      return order(in, op, x[i], y[i]);
    }
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  auto set_like = [](const Value& v) {
    return v.is(ObjKind::Set) || (v.is(ObjKind::DictView) && v.as<DictViewObj>()->which != DictViewObj::Values);
  };
  if (set_like(a) && set_like(b)) {  // inclusion: a partial order, answered here
    Value x = a.is(ObjKind::Set) ? a : Value(pyset::make(in, a, false));
    Value y = b.is(ObjKind::Set) ? b : Value(pyset::make(in, b, false));
    bool r = false;
    set_order(in, op == CmpOp::Lt ? '<' : op == CmpOp::Le ? 'l' : op == CmpOp::Gt ? '>' : 'g', x, y, r);
    return r ? 3 : 4;
  }
  in.raise_unorderable(op, a, b);
}

}  // namespace

bool Interp::compare(CmpOp op, const Value& a, const Value& b) {
  switch (op) {
    case CmpOp::Eq: return values_equal(a, b);
    case CmpOp::Ne:
      if (may_have_dunders(a) || may_have_dunders(b)) {
        bool handled = false;
        bool r = user_compare(*this, int(op), a, b, handled);
        if (handled) return r;
      }
      return !values_equal(a, b);
    case CmpOp::Is: return a.same(b) || (a.is_none() && b.is_none());
    case CmpOp::IsNot: return !(a.same(b) || (a.is_none() && b.is_none()));
    case CmpOp::In: return contains(*this, b, a);
    case CmpOp::NotIn: return !contains(*this, b, a);
    default: break;
  }
  if (may_have_dunders(a) || may_have_dunders(b)) {
    bool handled = false;
    bool r = user_compare(*this, int(op), a, b, handled);
    if (handled) return r;
  }
  if (a.is(ObjKind::Dict) && b.is(ObjKind::Dict)) {
    bool r = false;
    if (counter_compare(*this, op, a, b, r)) return r;
  }
  int c = order(*this, op, a, b);
  if (c == 2 || c == 4) return false;
  if (c == 3) return true;
  switch (op) {
    case CmpOp::Lt: return c < 0;
    case CmpOp::Le: return c <= 0;
    case CmpOp::Gt: return c > 0;
    case CmpOp::Ge: return c >= 0;
    default: return false;
  }
}

}  // namespace corun
