// Arbitrary-precision integers with Python's semantics, for the values that
// overflow corun's int64 fast path (2 ** 64, factorial(25), ...).
//
// Self-contained but for engine/vm/budget.h: every operation charges its work to
// the run's busy budget and reserves its result first (BusyExceeded,
// std::bad_alloc). Sign + magnitude,
// the magnitude in base 2^32 limbs, least significant first, normalized (no
// leading zero limbs; zero has no limbs and is never negative).
//
// Division and modulo follow Python (floor division, remainder has the sign
// of the divisor); to_double() rounds correctly (half to even) exactly like
// Python's float(int).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corun {

class BigInt {
 public:
  BigInt() = default;  // 0
  explicit BigInt(int64_t v);

  // Optional leading '-' (or '+'), then one or more ASCII digits; nothing else.
  static std::optional<BigInt> parse(std::string_view decimal);

  bool fits_int64() const;
  int64_t to_int64() const;  // precondition: fits_int64()
  // Correctly rounded like Python's float(int); throws
  // std::overflow_error("int too large to convert to float") when out of range.
  double to_double() const;

  std::string to_string() const;  // decimal, like str(int): "-123"
  // Magnitude digits only (no sign, no prefix), lowercase hex; "0" for zero.
  std::string to_hex() const;
  std::string to_octal() const;
  std::string to_binary() const;

  bool is_negative() const { return neg_; }
  bool is_zero() const { return mag_.empty(); }

  int compare(const BigInt& o) const;  // -1 / 0 / 1
  // Equal to std::hash<int64_t>()(v) when fits_int64(), so an int64 and a
  // BigInt of equal value hash alike.
  size_t hash() const;

  friend BigInt operator+(const BigInt& a, const BigInt& b);
  friend BigInt operator-(const BigInt& a, const BigInt& b);
  friend BigInt operator*(const BigInt& a, const BigInt& b);
  BigInt operator-() const;

  friend bool operator==(const BigInt& a, const BigInt& b) { return a.neg_ == b.neg_ && a.mag_ == b.mag_; }
  friend bool operator!=(const BigInt& a, const BigInt& b) { return !(a == b); }
  friend bool operator<(const BigInt& a, const BigInt& b) { return a.compare(b) < 0; }
  friend bool operator<=(const BigInt& a, const BigInt& b) { return a.compare(b) <= 0; }
  friend bool operator>(const BigInt& a, const BigInt& b) { return a.compare(b) > 0; }
  friend bool operator>=(const BigInt& a, const BigInt& b) { return a.compare(b) >= 0; }

  static BigInt floordiv(const BigInt& a, const BigInt& b);  // Python a // b; precondition b != 0
  static BigInt mod(const BigInt& a, const BigInt& b);       // Python a % b (sign of b); precondition b != 0
  // Both at once: {a // b, a % b}; precondition b != 0.
  static std::pair<BigInt, BigInt> divmod(const BigInt& a, const BigInt& b);
  // base ** exp; pow(x, 0) == 1 (including 0 ** 0). Reserves the result's
  // size (about bit_length() * exp bits) first: std::bad_alloc when it cannot fit.
  static BigInt pow(const BigInt& base, uint64_t exp);

  size_t bit_length() const;  // of the magnitude, like int.bit_length(); 0 for zero

  const std::vector<uint32_t>& limbs() const { return mag_; }  // magnitude, least significant first

 private:
  using Mag = std::vector<uint32_t>;
  BigInt(bool neg, Mag mag);
  void normalize();
  std::string to_pow2_string(unsigned bits_per_digit) const;

  bool neg_ = false;
  Mag mag_;
};

}  // namespace corun

template <>
struct std::hash<corun::BigInt> {
  size_t operator()(const corun::BigInt& v) const { return v.hash(); }
};
