// The bitwise operators & | ^ << >> as Python has them: on ints of any
// size (two's complement, as Objects/longobject.c defines them), on bools
// (& | ^ of two bools is a bool), and & | ^ on sets and dict views
// (engine/python/sets.cpp).
#include "engine/python/bitwise.h"
#include "engine/python/builtins.h"
#include "engine/python/collections_module.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

const char* bit_symbol(BinOp op) {
  switch (op) {
    case BinOp::BitOr: return "|";
    case BinOp::BitXor: return "^";
    case BinOp::BitAnd: return "&";
    case BinOp::LShift: return "<<";
    case BinOp::RShift: return ">>";
    default: return "?";
  }
}

// Two's complement limbs (base 2**32, least significant first) of x, n long.
std::vector<uint32_t> twos_complement(const BigInt& x, size_t n) {
  std::vector<uint32_t> out(x.limbs());
  out.resize(n, 0);
  if (x.is_negative()) {
    uint64_t carry = 1;
    for (auto& limb : out) {
      uint64_t v = uint64_t(uint32_t(~limb)) + carry;
      limb = uint32_t(v);
      carry = v >> 32;
    }
  }
  return out;
}

BigInt from_twos_complement(std::vector<uint32_t> limbs) {
  const bool negative = !limbs.empty() && (limbs.back() & 0x80000000u);
  if (negative) {  // magnitude = ~limbs + 1
    uint64_t carry = 1;
    for (auto& limb : limbs) {
      uint64_t v = uint64_t(uint32_t(~limb)) + carry;
      limb = uint32_t(v);
      carry = v >> 32;
    }
  }
  BigInt out(0);
  const BigInt base(int64_t(1) << 32);
  for (size_t i = limbs.size(); i-- > 0;) out = out * base + BigInt(int64_t(limbs[i]));
  return negative ? -out : out;
}

Value bigint_bitwise(BinOp op, const BigInt& x, const BigInt& y) {
  const size_t n = std::max(x.limbs().size(), y.limbs().size()) + 1;  // room for the sign
  charge(n);
  std::vector<uint32_t> a = twos_complement(x, n), b = twos_complement(y, n);
  for (size_t i = 0; i < n; ++i)
    a[i] = op == BinOp::BitAnd ? a[i] & b[i] : op == BinOp::BitOr ? a[i] | b[i] : a[i] ^ b[i];
  return make_int(from_twos_complement(std::move(a)));
}

Value shift(Interp& in, BinOp op, const Value& a, const Value& b) {
  if ((b.is_intlike() && b.as_int() < 0) || (b.is_bigint() && b.as<BigIntObj>()->v.is_negative()))
    in.raise(in.builtins().ValueError, "negative shift count");
  const BigInt x = to_bigint(a);
  if (op == BinOp::RShift) {
    if (!b.is_intlike() || b.as_int() >= int64_t(x.limbs().size()) * 32 + 1) return Value::integer(x.is_negative() ? -1 : 0);
    const int64_t n = b.as_int();
    if (a.is_intlike()) return Value::integer(n >= 63 ? (a.as_int() < 0 ? -1 : 0) : a.as_int() >> n);
    return make_int(BigInt::floordiv(x, BigInt::pow(BigInt(2), uint64_t(n))));
  }
  if (x.is_zero()) return Value::integer(0);
  if (!b.is_intlike()) in.raise(in.builtins().OverflowError, "too many digits in integer");
  const int64_t n = b.as_int();
  if (a.is_intlike() && n < 63) {
    const int64_t v = a.as_int();
    if (v == ((v << n) >> n)) return Value::integer(v << n);
  }
  reserve_bytes(size_t(n / 8 + x.limbs().size() * 4 + 8));  // the result's digits: 2**62 bits is MemoryError
  return make_int(x * BigInt::pow(BigInt(2), uint64_t(n)));
}

}  // namespace

Value bitwise_op(Interp& in, BinOp op, const Value& a, const Value& b) {
  if (a.is_integer() && b.is_integer()) {
    if (op == BinOp::LShift || op == BinOp::RShift) return shift(in, op, a, b);
    if (a.is_bool() && b.is_bool()) {
      bool x = a.as_bool(), y = b.as_bool();
      return Value::boolean(op == BinOp::BitAnd ? x && y : op == BinOp::BitOr ? x || y : x != y);
    }
    if (a.is_intlike() && b.is_intlike()) {
      int64_t x = a.as_int(), y = b.as_int();
      return Value::integer(op == BinOp::BitAnd ? x & y : op == BinOp::BitOr ? x | y : x ^ y);
    }
    return bigint_bitwise(op, to_bigint(a), to_bigint(b));
  }
  if (op != BinOp::LShift && op != BinOp::RShift) {
    Value out;
    if (op == BinOp::BitAnd && counter_binary(in, '&', a, b, out)) return out;
    if (op == BinOp::BitOr && dict_or(in, a, b, out)) return out;
    char c = op == BinOp::BitAnd ? '&' : op == BinOp::BitOr ? '|' : '^';
    if (set_binary_op(in, c, a, b, out)) return out;
  }
  in.raise(in.builtins().TypeError, std::string("unsupported operand type(s) for ") + bit_symbol(op) + ": '" +
                                        in.type_of(a)->name + "' and '" + in.type_of(b)->name + "'");
}

}  // namespace corun
