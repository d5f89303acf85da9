// Arbitrary-precision integers: see bigint.h.
//
// Magnitudes are little-endian vectors of 32-bit limbs. Multiplication is
// schoolbook below kKaratsubaThreshold limbs and Karatsuba above it; division
// is Knuth's algorithm D (TAOCP vol. 2, 4.3.1) with a single-limb fast path.
//
// Every operation charges its work to the run's busy budget and reserves its
// result before allocating it (engine/vm/budget.h): a multiplication or a
// division of numbers with millions of digits stops the run at the user's
// line instead of taking minutes, and one too large for memory raises
// MemoryError before it is attempted.
#include "engine/python/bigint.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include "engine/vm/budget.h"

namespace corun {
namespace {

using Mag = std::vector<uint32_t>;
constexpr uint64_t kBase = uint64_t{1} << 32;
constexpr size_t kKaratsubaThreshold = 40;

// Busy-budget units per inner-loop step of a limb operation (one 32x32-bit
// multiply-add), as measured: an interpreted instruction takes about as long
// as kLimbStepsPerUnit such steps.
constexpr uint64_t kLimbStepsPerUnit = 4;

// The work of `steps` limb steps, charged before doing them.
inline void charge_limb_steps(uint64_t steps) { charge(steps / kLimbStepsPerUnit); }

// A magnitude of n limbs, with its memory reserved first.
Mag new_mag(size_t n) {
  reserve(checked_mul(n, sizeof(uint32_t)));
  return Mag(n, 0);
}

void trim(Mag& m) {
  while (!m.empty() && m.back() == 0) m.pop_back();
}

Mag from_u64(uint64_t u) {
  Mag m;
  if (u != 0) m.push_back(static_cast<uint32_t>(u));
  if ((u >> 32) != 0) m.push_back(static_cast<uint32_t>(u >> 32));
  return m;
}

uint64_t low_u64(const Mag& m) {  // precondition m.size() <= 2
  uint64_t u = 0;
  if (m.size() > 0) u = m[0];
  if (m.size() > 1) u |= uint64_t{m[1]} << 32;
  return u;
}

int cmp_mag(const Mag& a, const Mag& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

Mag add_mag(const Mag& a, const Mag& b) {
  const Mag& x = a.size() >= b.size() ? a : b;
  const Mag& y = a.size() >= b.size() ? b : a;
  charge_limb_steps(x.size());
  Mag r = new_mag(x.size() + 1);
  uint64_t carry = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    uint64_t t = uint64_t{x[i]} + (i < y.size() ? y[i] : 0) + carry;
    r[i] = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  r[x.size()] = static_cast<uint32_t>(carry);
  trim(r);
  return r;
}

// a -= b, precondition a >= b.
void sub_mag_inplace(Mag& a, const Mag& b) {
  uint64_t borrow = 0;
  size_t i = 0;
  for (; i < b.size(); ++i) {
    uint64_t t = uint64_t{a[i]} - b[i] - borrow;
    a[i] = static_cast<uint32_t>(t);
    borrow = t >> 63;
  }
  for (; borrow != 0 && i < a.size(); ++i) {
    uint64_t t = uint64_t{a[i]} - borrow;
    a[i] = static_cast<uint32_t>(t);
    borrow = t >> 63;
  }
  assert(borrow == 0);
  trim(a);
}

Mag sub_mag(const Mag& a, const Mag& b) {  // precondition a >= b
  charge_limb_steps(a.size());
  reserve(a.size() * sizeof(uint32_t));
  Mag r = a;
  sub_mag_inplace(r, b);
  return r;
}

// acc[off...] += v; acc is large enough that the sum never carries out of it.
void add_into(Mag& acc, const Mag& v, size_t off) {
  uint64_t carry = 0;
  size_t i = 0;
  for (; i < v.size(); ++i) {
    uint64_t t = uint64_t{acc[off + i]} + v[i] + carry;
    acc[off + i] = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  for (size_t k = off + i; carry != 0 && k < acc.size(); ++k) {
    uint64_t t = uint64_t{acc[k]} + carry;
    acc[k] = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  assert(carry == 0);
}

Mag mul_school(const Mag& a, const Mag& b) {
  // Karatsuba's recursion ends here, so this charges every multiplication's
  // work as it is done (a huge product stops promptly, wherever it is).
  charge_limb_steps(uint64_t(a.size()) * b.size());
  Mag r = new_mag(a.size() + b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    const uint64_t ai = a[i];
    if (ai == 0) continue;
    for (size_t j = 0; j < b.size(); ++j) {
      // (2^32-1)^2 + 2 (2^32-1) == 2^64 - 1: never overflows.
      uint64_t t = ai * b[j] + r[i + j] + carry;
      r[i + j] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    r[i + b.size()] = static_cast<uint32_t>(carry);
  }
  trim(r);
  return r;
}

Mag slice(const Mag& m, size_t from, size_t to) {
  to = std::min(to, m.size());
  Mag r;
  if (from < to) r.assign(m.begin() + static_cast<std::ptrdiff_t>(from), m.begin() + static_cast<std::ptrdiff_t>(to));
  trim(r);
  return r;
}

Mag mul_mag(const Mag& a, const Mag& b) {
  if (a.empty() || b.empty()) return {};
  // The product's size is known: refuse one that cannot fit before any work.
  reserve(checked_mul(checked_add(a.size(), b.size()), sizeof(uint32_t)));
  const Mag& x = a.size() >= b.size() ? a : b;  // the longer
  const Mag& y = a.size() >= b.size() ? b : a;
  if (y.size() < kKaratsubaThreshold) return mul_school(x, y);
  if (2 * y.size() <= x.size()) {
    // Unbalanced: multiply y by y-sized chunks of x.
    Mag r = new_mag(x.size() + y.size());
    for (size_t off = 0; off < x.size(); off += y.size()) {
      Mag p = mul_mag(slice(x, off, off + y.size()), y);
      add_into(r, p, off);
    }
    trim(r);
    return r;
  }
  // Karatsuba: x = x1 B^m + x0, y = y1 B^m + y0 with y.size() > m.
  const size_t m = x.size() / 2;
  Mag x0 = slice(x, 0, m), x1 = slice(x, m, x.size());
  Mag y0 = slice(y, 0, m), y1 = slice(y, m, y.size());
  Mag z0 = mul_mag(x0, y0);
  Mag z2 = mul_mag(x1, y1);
  Mag z1 = mul_mag(add_mag(x0, x1), add_mag(y0, y1));
  sub_mag_inplace(z1, z0);
  sub_mag_inplace(z1, z2);
  Mag r = new_mag(x.size() + y.size() + 1);
  add_into(r, z0, 0);
  add_into(r, z1, m);
  add_into(r, z2, 2 * m);
  trim(r);
  return r;
}

// m = m * f + add, in place.
void mul_small_add(Mag& m, uint32_t f, uint32_t add) {
  charge_limb_steps(m.size());
  uint64_t carry = add;
  for (auto& limb : m) {
    uint64_t t = uint64_t{limb} * f + carry;
    limb = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  if (carry != 0) m.push_back(static_cast<uint32_t>(carry));
}

// m /= d in place, returns the remainder. Precondition d != 0.
uint32_t divmod_small(Mag& m, uint32_t d) {
  charge_limb_steps(m.size() * 4);  // a 64-bit division is several multiply-adds
  uint64_t rem = 0;
  for (size_t i = m.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | m[i];
    m[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  trim(m);
  return static_cast<uint32_t>(rem);
}

// Knuth's algorithm D: q = u / v, r = u % v for v.size() >= 2, u >= v
// (magnitudes). Follows TAOCP 4.3.1 (and Hacker's Delight's divmnu).
void divmod_knuth(const Mag& u, const Mag& v, Mag& q, Mag& r) {
  const size_t n = v.size(), m = u.size();
  assert(n >= 2 && m >= n && v.back() != 0);
  // The work is exactly (m - n + 1) rows of n limb steps: charge it up front,
  // so an impossible division fails at once.
  charge_limb_steps(uint64_t(m - n + 1) * n * 2);
  reserve(checked_mul(m + n + 1, sizeof(uint32_t)));
  // D1: normalize so that the divisor's top limb has its high bit set.
  const int s = std::countl_zero(v.back());
  Mag vn(n), un(m + 1);
  for (size_t i = n - 1; i > 0; --i) {
    vn[i] = (v[i] << s) | (s ? v[i - 1] >> (32 - s) : 0);
  }
  vn[0] = v[0] << s;
  un[m] = s ? u[m - 1] >> (32 - s) : 0;
  for (size_t i = m - 1; i > 0; --i) {
    un[i] = (u[i] << s) | (s ? u[i - 1] >> (32 - s) : 0);
  }
  un[0] = u[0] << s;

  q.assign(m - n + 1, 0);
  const uint64_t vtop = vn[n - 1], vnext = vn[n - 2];
  for (size_t j = m - n + 1; j-- > 0;) {
    // D3: estimate qhat from the top two limbs, refine with the third.
    const uint64_t num = (uint64_t{un[j + n]} << 32) | un[j + n - 1];
    uint64_t qhat = num / vtop;
    uint64_t rhat = num % vtop;
    while (qhat >= kBase || qhat * vnext > ((rhat << 32) | un[j + n - 2])) {
      --qhat;
      rhat += vtop;
      if (rhat >= kBase) break;
    }
    // D4: multiply and subtract un[j..j+n] -= qhat * vn.
    uint64_t carry = 0, borrow = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t p = qhat * vn[i] + carry;  // < 2^64: qhat < 2^32
      carry = p >> 32;
      const uint64_t t = uint64_t{un[i + j]} - (p & 0xffffffffu) - borrow;
      un[i + j] = static_cast<uint32_t>(t);
      borrow = t >> 63;
    }
    const uint64_t t = uint64_t{un[j + n]} - carry - borrow;
    un[j + n] = static_cast<uint32_t>(t);
    // D5/D6: qhat was one too large (probability ~2/2^32): add back.
    if ((t >> 63) != 0) {
      --qhat;
      uint64_t c = 0;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t sum = uint64_t{un[i + j]} + vn[i] + c;
        un[i + j] = static_cast<uint32_t>(sum);
        c = sum >> 32;
      }
      un[j + n] = static_cast<uint32_t>(un[j + n] + c);
    }
    q[j] = static_cast<uint32_t>(qhat);
  }
  trim(q);
  // D8: unnormalize the remainder.
  r.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    r[i] = (un[i] >> s) | (s ? un[i + 1] << (32 - s) : 0);
  }
  trim(r);
}

// Truncating division of magnitudes. Precondition !v.empty().
void divmod_mag(const Mag& u, const Mag& v, Mag& q, Mag& r) {
  if (cmp_mag(u, v) < 0) {
    q.clear();
    r = u;
    return;
  }
  if (v.size() == 1) {
    q = u;
    r = from_u64(divmod_small(q, v[0]));
    return;
  }
  divmod_knuth(u, v, q, r);
}

// count (<= 64) bits of m starting at bit lo; bits beyond the top are 0.
uint64_t get_bits(const Mag& m, size_t lo, unsigned count) {
  uint64_t r = 0;
  unsigned got = 0;
  size_t i = lo / 32;
  unsigned off = lo % 32;
  while (got < count && i < m.size()) {
    r |= (uint64_t{m[i]} >> off) << got;
    got += 32 - off;
    off = 0;
    ++i;
  }
  if (count < 64) r &= (uint64_t{1} << count) - 1;
  return r;
}

bool any_bits_below(const Mag& m, size_t pos) {
  const size_t li = pos / 32;
  for (size_t i = 0; i < li && i < m.size(); ++i) {
    if (m[i] != 0) return true;
  }
  const unsigned off = pos % 32;
  return off != 0 && li < m.size() && (m[li] & ((uint32_t{1} << off) - 1)) != 0;
}

}  // namespace

BigInt::BigInt(int64_t v)
    : neg_(v < 0), mag_(from_u64(v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v))) {}

BigInt::BigInt(bool neg, Mag mag) : neg_(neg), mag_(std::move(mag)) { normalize(); }

void BigInt::normalize() {
  trim(mag_);
  if (mag_.empty()) neg_ = false;
}

std::optional<BigInt> BigInt::parse(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  // Quadratic, like to_string: each 9-digit chunk multiplies the whole
  // (mul_small_add charges each pass).
  Mag m;
  reserve(s.size() / 2 + 8);
  m.reserve(s.size() / 9 + 1);
  // Leading chunk of s.size() % 9 digits (or 9), then 9 digits at a time.
  size_t pos = 0;
  size_t first = s.size() % 9 == 0 ? 9 : s.size() % 9;
  while (pos < s.size()) {
    const size_t len = pos == 0 ? first : 9;
    uint32_t chunk = 0, scale = 1;
    for (size_t k = 0; k < len; ++k) {
      chunk = chunk * 10 + static_cast<uint32_t>(s[pos + k] - '0');
      scale *= 10;
    }
    mul_small_add(m, scale, chunk);
    trim(m);
    pos += len;
  }
  return BigInt(neg, std::move(m));
}

bool BigInt::fits_int64() const {
  if (mag_.size() > 2) return false;
  const uint64_t u = low_u64(mag_);
  return neg_ ? u <= (uint64_t{1} << 63) : u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}

int64_t BigInt::to_int64() const {
  assert(fits_int64());
  const uint64_t u = low_u64(mag_);
  return static_cast<int64_t>(neg_ ? uint64_t{0} - u : u);  // modular conversion (C++20)
}

double BigInt::to_double() const {
  const size_t nb = bit_length();
  double mag;
  if (nb <= 53) {
    mag = static_cast<double>(low_u64(mag_));  // exact
  } else {
    // The top 54 bits: 53 for the mantissa and the rounding bit; then
    // round half to even, with every lower bit as the sticky bit.
    const size_t shift = nb - 54;
    const uint64_t top = get_bits(mag_, shift, 54);
    uint64_t m = top >> 1;
    const bool round = (top & 1) != 0;
    if (round && (((m & 1) != 0) || any_bits_below(mag_, shift))) ++m;
    size_t e = shift + 1;  // value == m * 2^e
    if (m == (uint64_t{1} << 53)) {
      m >>= 1;
      ++e;
    }
    if (e + 53 > 1024) throw std::overflow_error("int too large to convert to float");
    mag = std::ldexp(static_cast<double>(m), static_cast<int>(e));
  }
  return neg_ ? -mag : mag;
}

std::string BigInt::to_string() const {
  if (mag_.empty()) return "0";
  constexpr uint32_t kChunk = 1000000000;  // 10^9
  std::vector<uint32_t> chunks;             // least significant first
  // Quadratic: each 9-digit chunk (32/29.9 per limb) is a pass over the
  // remaining magnitude, half of it on average.
  charge_limb_steps(uint64_t(mag_.size()) * mag_.size() * 16 / 29);
  reserve(checked_mul(mag_.size(), 2 * sizeof(uint32_t) + 10));
  chunks.reserve(mag_.size() * 32 / 29 + 2);
  Mag m = mag_;
  while (!m.empty()) {
    // divmod_small(m, kChunk), with the divisor a constant so that the
    // compiler replaces the 64-bit division by a multiplication.
    uint64_t rem = 0;
    for (size_t i = m.size(); i-- > 0;) {
      const uint64_t cur = (rem << 32) | m[i];
      m[i] = static_cast<uint32_t>(cur / kChunk);
      rem = cur % kChunk;
    }
    trim(m);
    chunks.push_back(static_cast<uint32_t>(rem));
  }
  std::string out;
  out.reserve(chunks.size() * 9 + 1);
  if (neg_) out.push_back('-');
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    char buf[9];
    uint32_t c = chunks[i];
    for (int k = 8; k >= 0; --k) {
      buf[k] = static_cast<char>('0' + c % 10);
      c /= 10;
    }
    out.append(buf, 9);
  }
  return out;
}

std::string BigInt::to_pow2_string(unsigned bits) const {
  const size_t nb = bit_length();
  if (nb == 0) return "0";
  const size_t ndigits = (nb + bits - 1) / bits;
  charge_limb_steps(ndigits);
  reserve(ndigits);
  std::string out;
  out.reserve(ndigits);
  for (size_t d = ndigits; d-- > 0;) {
    out.push_back("0123456789abcdef"[get_bits(mag_, d * bits, bits)]);
  }
  return out;
}

std::string BigInt::to_hex() const { return to_pow2_string(4); }
std::string BigInt::to_octal() const { return to_pow2_string(3); }
std::string BigInt::to_binary() const { return to_pow2_string(1); }

int BigInt::compare(const BigInt& o) const {
  if (neg_ != o.neg_) return neg_ ? -1 : 1;
  const int c = cmp_mag(mag_, o.mag_);
  return neg_ ? -c : c;
}

size_t BigInt::hash() const {
  if (fits_int64()) return std::hash<int64_t>()(to_int64());
  // FNV-1a-style mix of the limbs; never needs to agree with anything else.
  uint64_t h = neg_ ? 0x9e3779b97f4a7c15ull : 0xcbf29ce484222325ull;
  for (uint32_t limb : mag_) {
    h ^= limb;
    h *= 0x100000001b3ull;
    h ^= h >> 29;
  }
  return static_cast<size_t>(h);
}

BigInt operator+(const BigInt& a, const BigInt& b) {
  if (a.neg_ == b.neg_) return BigInt(a.neg_, add_mag(a.mag_, b.mag_));
  const int c = cmp_mag(a.mag_, b.mag_);
  if (c == 0) return BigInt();
  if (c > 0) return BigInt(a.neg_, sub_mag(a.mag_, b.mag_));
  return BigInt(b.neg_, sub_mag(b.mag_, a.mag_));
}

BigInt BigInt::operator-() const { return BigInt(!neg_, mag_); }

BigInt operator-(const BigInt& a, const BigInt& b) { return a + (-b); }

BigInt operator*(const BigInt& a, const BigInt& b) { return BigInt(a.neg_ != b.neg_, mul_mag(a.mag_, b.mag_)); }

std::pair<BigInt, BigInt> BigInt::divmod(const BigInt& a, const BigInt& b) {
  if (b.is_zero()) throw std::domain_error("integer division or modulo by zero");
  Mag q, r;
  divmod_mag(a.mag_, b.mag_, q, r);
  // Truncated: a == qt * b + rt with rt having the sign of a.
  BigInt qt(a.neg_ != b.neg_, std::move(q));
  BigInt rt(a.neg_, std::move(r));
  // Floor: when the remainder is nonzero and its sign differs from b's,
  // q = qt - 1 and r = rt + b.
  if (!rt.is_zero() && rt.neg_ != b.neg_) {
    return {qt - BigInt(1), rt + b};
  }
  return {std::move(qt), std::move(rt)};
}

BigInt BigInt::floordiv(const BigInt& a, const BigInt& b) { return divmod(a, b).first; }
BigInt BigInt::mod(const BigInt& a, const BigInt& b) { return divmod(a, b).second; }

BigInt BigInt::pow(const BigInt& base, uint64_t exp) {
  if (exp == 0) return BigInt(1);
  if (base.is_zero()) return BigInt();
  const bool neg = base.neg_ && (exp & 1) != 0;
  if (base.mag_.size() == 1 && base.mag_[0] == 1) return BigInt(neg ? -1 : 1);
  // The result has at least (bit_length - 1) * exp + 1 bits: refuse at once
  // what memory cannot hold, before squaring towards it.
  const size_t min_bits = checked_add(checked_mul(base.bit_length() - 1, exp), 1);
  reserve(min_bits / 8);
  // Left-to-right square and multiply on the magnitude.
  Mag result = base.mag_;
  for (int bit = 62 - std::countl_zero(exp); bit >= 0; --bit) {
    result = mul_mag(result, result);
    if (((exp >> bit) & 1) != 0) result = mul_mag(result, base.mag_);
  }
  return BigInt(neg, std::move(result));
}

size_t BigInt::bit_length() const {
  if (mag_.empty()) return 0;
  return (mag_.size() - 1) * 32 + (32 - static_cast<size_t>(std::countl_zero(mag_.back())));
}

}  // namespace corun
