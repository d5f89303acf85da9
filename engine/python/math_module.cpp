// The `math` module: libm's functions with CPython's argument conversion and
// its errors ("math domain error" where the result is undefined, "math range
// error" where it overflows), the integer functions on big ints (factorial,
// comb, perm, isqrt, gcd, lcm) charged to the busy budget, and fsum/hypot/dist
// computed with extra precision so they round as CPython's do.
#include "engine/python/math_module.h"

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <limits>

#include "engine/python/builtins.h"
#include "engine/vm/budget.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

std::string tname(Interp& in, const Value& v) { return in.type_of(v)->name; }

[[noreturn]] void domain(Interp& in) { in.raise(in.builtins().ValueError, "math domain error"); }
[[noreturn]] void range_err(Interp& in) { in.raise(in.builtins().OverflowError, "math range error"); }

double to_f(Interp& in, const Value& v) {
  if (v.is_float()) return v.as_float();
  if (v.is_intlike()) return double(v.as_int());
  if (v.is_bigint()) {
    try {
      return v.as<BigIntObj>()->v.to_double();
    } catch (const std::overflow_error&) {
      in.raise(in.builtins().OverflowError, "int too large to convert to float");
    }
  }
  in.raise(in.builtins().TypeError, "must be real number, not " + tname(in, v));
}

BigInt to_int(Interp& in, const Value& v) {
  if (v.is_integer()) return to_bigint(v);
  in.raise(in.builtins().TypeError, "'" + tname(in, v) + "' object cannot be interpreted as an integer");
}

void one_arg(Interp& in, const char* fn, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, std::string("math.") + fn + "() takes no keyword arguments");
  if (a.npos != 1)
    in.raise(in.builtins().TypeError, std::string("math.") + fn + "() takes exactly one argument (" + std::to_string(a.npos) + " given)");
}

void two_args(Interp& in, const char* fn, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, std::string(fn) + "() takes no keyword arguments");
  if (a.npos != 2)
    in.raise(in.builtins().TypeError, std::string(fn) + " expected 2 arguments, got " + std::to_string(a.npos));
}

// A one-argument libm function, with CPython's error rules: a NaN from a
// non-NaN is a domain error; an infinity from a finite argument is a range
// error when the function can overflow, else a domain error.
template <double (*F)(double), bool kCanOverflow>
Value unary(Interp& in, const char* fn, CallArgs& a) {
  one_arg(in, fn, a);
  double x = to_f(in, a.pos[0]);
  double r = F(x);
  if (std::isnan(r) && !std::isnan(x)) domain(in);
  if (std::isinf(r) && std::isfinite(x)) {
    if (kCanOverflow) range_err(in);
    domain(in);
  }
  return Value::flt(r);
}

#define MATH1(name, func, over) \
  Value m_##name(Interp& in, const Value&, CallArgs& a) { return unary<static_cast<double (*)(double)>(func), over>(in, #name, a); }

double c_sqrt(double x) { return std::sqrt(x); }
double c_exp(double x) { return std::exp(x); }
double c_expm1(double x) { return std::expm1(x); }
double c_fabs(double x) { return std::fabs(x); }
double c_sin(double x) { return std::sin(x); }
double c_cos(double x) { return std::cos(x); }
double c_tan(double x) { return std::tan(x); }
double c_asin(double x) { return std::asin(x); }
double c_acos(double x) { return std::acos(x); }
double c_atan(double x) { return std::atan(x); }
double c_sinh(double x) { return std::sinh(x); }
double c_cosh(double x) { return std::cosh(x); }
double c_tanh(double x) { return std::tanh(x); }
double c_asinh(double x) { return std::asinh(x); }
double c_acosh(double x) { return std::acosh(x); }
double c_atanh(double x) { return std::atanh(x); }
double c_log1p(double x) { return std::log1p(x); }

MATH1(sqrt, c_sqrt, false)
MATH1(exp, c_exp, true)
MATH1(expm1, c_expm1, true)
MATH1(fabs, c_fabs, false)
MATH1(sin, c_sin, false)
MATH1(cos, c_cos, false)
MATH1(tan, c_tan, false)
MATH1(asin, c_asin, false)
MATH1(acos, c_acos, false)
MATH1(atan, c_atan, false)
MATH1(sinh, c_sinh, true)
MATH1(cosh, c_cosh, true)
MATH1(tanh, c_tanh, false)
MATH1(asinh, c_asinh, false)
MATH1(acosh, c_acosh, false)
MATH1(atanh, c_atanh, false)
MATH1(log1p, c_log1p, false)

// log of a positive number; ints of any size (a big int is mantissa * 2**e).
double log_of(Interp& in, const Value& v, double (*f)(double), double ln_base_2) {
  if (v.is_integer()) {
    BigInt x = to_bigint(v);
    if (x.is_negative() || x.is_zero()) domain(in);
    if (x.bit_length() <= 1000) return f(x.to_double());
    // Keep the top 64 bits: x ~ top * 2**shift.
    size_t shift = x.bit_length() - 64;
    BigInt top = BigInt::floordiv(x, BigInt::pow(BigInt(2), shift));
    double m = double(uint64_t(top.to_double()));
    int e = 0;
    double fr = std::frexp(m, &e);
    // log(x) = log(fr) + (e + shift) * log(2)
    return f(fr) + double(int64_t(e) + int64_t(shift)) * ln_base_2;
  }
  double x = to_f(in, v);
  if (std::isnan(x)) return x;
  if (x <= 0) domain(in);
  return f(x);
}

double c_log(double x) { return std::log(x); }
double c_log2(double x) { return std::log2(x); }
double c_log10(double x) { return std::log10(x); }

Value m_log(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "math.log() takes no keyword arguments");
  if (a.npos < 1 || a.npos > 2) in.raise(in.builtins().TypeError, "math.log requires 1 to 2 arguments");
  double num = log_of(in, a.pos[0], c_log, std::log(2.0));
  if (a.npos == 1) return Value::flt(num);
  double den = log_of(in, a.pos[1], c_log, std::log(2.0));
  if (den == 0) in.raise(in.builtins().ZeroDivisionError, "float division by zero");
  return Value::flt(num / den);
}
Value m_log2(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "log2", a);
  return Value::flt(log_of(in, a.pos[0], c_log2, 1.0));
}
Value m_log10(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "log10", a);
  return Value::flt(log_of(in, a.pos[0], c_log10, std::log10(2.0)));
}

// float -> int, exactly (big for huge floats), with CPython's errors.
Value float_to_int(Interp& in, double d) {
  if (std::isnan(d)) in.raise(in.builtins().ValueError, "cannot convert float NaN to integer");
  if (std::isinf(d)) in.raise(in.builtins().OverflowError, "cannot convert float infinity to integer");
  if (std::fabs(d) < 9.2e18) return Value::integer(int64_t(d));
  int exp = 0;
  double m = std::frexp(std::fabs(d), &exp);
  BigInt r = BigInt(int64_t(std::ldexp(m, 53))) * BigInt::pow(BigInt(2), uint64_t(exp - 53));
  return make_int(d < 0 ? -r : r);
}

Value rounding(Interp& in, const char* fn, CallArgs& a, double (*f)(double)) {
  one_arg(in, fn, a);
  const Value& v = a.pos[0];
  if (v.is_integer()) return v.is_bool() ? Value::integer(v.as_int()) : v;
  if (!v.is_float()) {
    if (std::string_view(fn) == "trunc") in.raise(in.builtins().TypeError, "type " + tname(in, v) + " doesn't define __trunc__ method");
    to_f(in, v);
  }
  return float_to_int(in, f(v.as_float()));
}
double c_floor(double x) { return std::floor(x); }
double c_ceil(double x) { return std::ceil(x); }
double c_trunc(double x) { return std::trunc(x); }
Value m_floor(Interp& in, const Value&, CallArgs& a) { return rounding(in, "floor", a, c_floor); }
Value m_ceil(Interp& in, const Value&, CallArgs& a) { return rounding(in, "ceil", a, c_ceil); }
Value m_trunc(Interp& in, const Value&, CallArgs& a) { return rounding(in, "trunc", a, c_trunc); }

Value m_pow(Interp& in, const Value&, CallArgs& a) {
  two_args(in, "pow", a);
  double x = to_f(in, a.pos[0]), y = to_f(in, a.pos[1]);
  if (!std::isfinite(x) || !std::isfinite(y)) return Value::flt(std::pow(x, y));  // C99 Annex F, as CPython's special cases
  double r = std::pow(x, y);
  if (std::isnan(r)) domain(in);
  if (std::isinf(r)) {
    if (x == 0) domain(in);
    range_err(in);
  }
  return Value::flt(r);
}

Value m_atan2(Interp& in, const Value&, CallArgs& a) {
  two_args(in, "atan2", a);
  return Value::flt(std::atan2(to_f(in, a.pos[0]), to_f(in, a.pos[1])));
}
Value m_copysign(Interp& in, const Value&, CallArgs& a) {
  two_args(in, "copysign", a);
  return Value::flt(std::copysign(to_f(in, a.pos[0]), to_f(in, a.pos[1])));
}
Value m_fmod(Interp& in, const Value&, CallArgs& a) {
  two_args(in, "fmod", a);
  double x = to_f(in, a.pos[0]), y = to_f(in, a.pos[1]);
  if (std::isinf(y) && std::isfinite(x)) return Value::flt(x);
  double r = std::fmod(x, y);
  if (std::isnan(r) && !std::isnan(x) && !std::isnan(y)) domain(in);
  return Value::flt(r);
}
Value m_remainder(Interp& in, const Value&, CallArgs& a) {
  two_args(in, "remainder", a);
  double x = to_f(in, a.pos[0]), y = to_f(in, a.pos[1]);
  if (std::isnan(x)) return Value::flt(x);
  if (std::isnan(y)) return Value::flt(y);
  if (std::isinf(x) || y == 0) domain(in);
  if (std::isinf(y)) return Value::flt(x);
  return Value::flt(std::remainder(x, y));
}

Value m_degrees(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "degrees", a);
  return Value::flt(to_f(in, a.pos[0]) * (180.0 / M_PI));
}
Value m_radians(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "radians", a);
  return Value::flt(to_f(in, a.pos[0]) * (M_PI / 180.0));
}

Value m_isfinite(Interp& in, const Value&, CallArgs& a) { one_arg(in, "isfinite", a); return Value::boolean(std::isfinite(to_f(in, a.pos[0]))); }
Value m_isinf(Interp& in, const Value&, CallArgs& a) { one_arg(in, "isinf", a); return Value::boolean(std::isinf(to_f(in, a.pos[0]))); }
Value m_isnan(Interp& in, const Value&, CallArgs& a) { one_arg(in, "isnan", a); return Value::boolean(std::isnan(to_f(in, a.pos[0]))); }

Value m_modf(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "modf", a);
  double x = to_f(in, a.pos[0]);
  if (std::isinf(x)) return make_tuple({Value::flt(std::copysign(0.0, x)), Value::flt(x)});
  double ip = 0;
  double fp = std::modf(x, &ip);
  return make_tuple({Value::flt(fp), Value::flt(ip)});
}
Value m_frexp(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "frexp", a);
  double x = to_f(in, a.pos[0]);
  int e = 0;
  double m = std::isfinite(x) ? std::frexp(x, &e) : x;
  return make_tuple({Value::flt(m), Value::integer(e)});
}
Value m_ldexp(Interp& in, const Value&, CallArgs& a) {
  two_args(in, "ldexp", a);
  double x = to_f(in, a.pos[0]);
  const Value& ev = a.pos[1];
  if (!ev.is_integer()) in.raise(in.builtins().TypeError, "Expected an int as second argument to ldexp.");
  int64_t e;
  if (ev.is_bigint()) e = ev.as<BigIntObj>()->v.is_negative() ? INT64_MIN : INT64_MAX;
  else e = ev.as_int();
  if (x == 0 || !std::isfinite(x)) return Value::flt(x);
  int ie = e > 100000 ? 100000 : e < -100000 ? -100000 : int(e);
  double r = std::ldexp(x, ie);
  if (std::isinf(r)) range_err(in);
  return Value::flt(r);
}

// isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)
Value m_isclose(Interp& in, const Value&, CallArgs& a) {
  const Value* av = a.npos > 0 ? &a.pos[0] : nullptr;
  const Value* bv = a.npos > 1 ? &a.pos[1] : nullptr;
  if (a.npos > 2) in.raise(in.builtins().TypeError, "isclose() takes exactly 2 positional arguments (" + std::to_string(a.npos) + " given)");
  double rel = 1e-09, abs_tol = 0.0;
  for (size_t i = 0; i < a.nkw; ++i) {
    const std::string& k = a.kwnames[i];
    if (k == "a" && !av) av = &a.kw[i];
    else if (k == "b" && !bv) bv = &a.kw[i];
    else if (k == "rel_tol") rel = to_f(in, a.kw[i]);
    else if (k == "abs_tol") abs_tol = to_f(in, a.kw[i]);
    else if (k == "a" || k == "b") in.raise(in.builtins().TypeError, "argument for isclose() given by name ('" + k + "') and position (" + (k == "a" ? "1" : "2") + ")");
    else in.raise(in.builtins().TypeError, "'" + k + "' is an invalid keyword argument for isclose()");
  }
  if (!av) in.raise(in.builtins().TypeError, "isclose() missing required argument 'a' (pos 1)");
  if (!bv) in.raise(in.builtins().TypeError, "isclose() missing required argument 'b' (pos 2)");
  double x = to_f(in, *av), y = to_f(in, *bv);
  if (rel < 0.0 || abs_tol < 0.0) in.raise(in.builtins().ValueError, "tolerances must be non-negative");
  if (x == y) return Value::boolean(true);
  if (std::isinf(x) || std::isinf(y)) return Value::boolean(false);
  double diff = std::fabs(y - x);
  return Value::boolean((diff <= std::fabs(rel * y)) || (diff <= std::fabs(rel * x)) || (diff <= abs_tol));
}

// ---- integer functions ----

BigInt abs_big(BigInt x) { return x.is_negative() ? -x : x; }

BigInt gcd_big(BigInt x, BigInt y) {
  x = abs_big(std::move(x));
  y = abs_big(std::move(y));
  if (x.fits_int64() && y.fits_int64()) {
    uint64_t p = uint64_t(x.to_int64()), q = uint64_t(y.to_int64());
    while (q) { uint64_t t = p % q; p = q; q = t; }
    if (p <= uint64_t(INT64_MAX)) return BigInt(int64_t(p));
    return BigInt(int64_t(p / 2)) + BigInt(int64_t(p - p / 2));
  }
  while (!y.is_zero()) {
    charge_step();
    BigInt t = BigInt::mod(x, y);
    x = std::move(y);
    y = std::move(t);
  }
  return x;
}

Value m_gcd(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "gcd() takes no keyword arguments");
  BigInt g;
  for (size_t i = 0; i < a.npos; ++i) {
    BigInt x = to_int(in, a.pos[i]);
    g = i == 0 ? abs_big(std::move(x)) : gcd_big(g, x);
  }
  return make_int(std::move(g));
}
Value m_lcm(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "lcm() takes no keyword arguments");
  BigInt l(1);
  for (size_t i = 0; i < a.npos; ++i) {
    BigInt x = to_int(in, a.pos[i]);
    if (i == 0) { l = abs_big(std::move(x)); continue; }
    if (l.is_zero() || x.is_zero()) { l = BigInt(); continue; }
    l = abs_big(BigInt::floordiv(l, gcd_big(l, x)) * x);
  }
  return make_int(std::move(l));
}

// The product lo * (lo+1) * ... * hi, split in halves so the big
// multiplications are balanced; every step charges the budget.
BigInt range_product(uint64_t lo, uint64_t hi) {
  charge_step();
  if (lo > hi) return BigInt(1);
  if (hi - lo < 16) {
    BigInt r(1);
    unsigned __int128 acc = 1;
    for (uint64_t i = lo;; ++i) {
      if (acc > (unsigned __int128)UINT64_MAX / (i ? i : 1) || acc > (unsigned __int128)INT64_MAX / (i ? i : 1)) {
        r = r * BigInt(int64_t(acc));
        acc = 1;
      }
      acc *= i;
      if (i == hi) break;
    }
    return r * BigInt(int64_t(acc));
  }
  uint64_t mid = lo + (hi - lo) / 2;
  return range_product(lo, mid) * range_product(mid + 1, hi);
}

Value m_factorial(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "factorial", a);
  BigInt n = to_int(in, a.pos[0]);
  if (n.is_negative()) in.raise(in.builtins().ValueError, "factorial() not defined for negative values");
  if (!n.fits_int64()) in.raise(in.builtins().OverflowError, "factorial() argument should not exceed 9223372036854775807");
  int64_t k = n.to_int64();
  // Refuse what cannot be held before building it: log2(k!) ~ k*log2(k).
  double bits = k < 2 ? 1 : double(k) * (std::log2(double(k)) - 1.4426950408889634);
  reserve(size_t(std::min(bits / 8 + 64, 1e18)));
  charge(uint64_t(k / 4));
  return make_int(range_product(2, uint64_t(k < 2 ? 1 : k)));
}

// n * (n-1) * ... * (n-k+1), for n and k that may be big.
BigInt falling(const BigInt& n, uint64_t k) {
  if (n.fits_int64()) {
    uint64_t nn = uint64_t(n.to_int64());
    return range_product(nn - k + 1, nn);
  }
  BigInt r(1), cur = n;
  for (uint64_t i = 0; i < k; ++i) {
    charge_step();
    r = r * cur;
    cur = cur - BigInt(1);
  }
  return r;
}

void comb_args(Interp& in, const char* fn, CallArgs& a, BigInt& n, BigInt& k, bool& has_k) {
  if (a.nkw) in.raise(in.builtins().TypeError, std::string(fn) + "() takes no keyword arguments");
  if (std::string_view(fn) == "comb" && a.npos != 2) in.raise(in.builtins().TypeError, "comb expected 2 arguments, got " + std::to_string(a.npos));
  if (a.npos < 1) in.raise(in.builtins().TypeError, std::string(fn) + " expected at least 1 argument, got 0");
  if (a.npos > 2) in.raise(in.builtins().TypeError, std::string(fn) + " expected at most 2 arguments, got " + std::to_string(a.npos));
  n = to_int(in, a.pos[0]);
  has_k = a.npos == 2 && !a.pos[1].is_none();
  if (has_k) k = to_int(in, a.pos[1]);
}

Value m_comb(Interp& in, const Value&, CallArgs& a) {
  BigInt n, k;
  bool has_k;
  comb_args(in, "comb", a, n, k, has_k);
  if (n.is_negative()) in.raise(in.builtins().ValueError, "n must be a non-negative integer");
  if (k.is_negative()) in.raise(in.builtins().ValueError, "k must be a non-negative integer");
  if (k > n) return Value::integer(0);
  BigInt nk = n - k;
  BigInt m = nk < k ? nk : k;
  if (!m.fits_int64()) in.raise(in.builtins().OverflowError, "min(n - k, k) must not exceed 9223372036854775807");
  uint64_t kk = uint64_t(m.to_int64());
  if (kk == 0) return Value::integer(1);
  reserve(size_t(std::min(double(kk) * double(n.bit_length() + 1) / 8 + 64, 1e18)));
  BigInt num = falling(n, kk);
  BigInt den = range_product(2, kk < 2 ? 1 : kk);
  return make_int(BigInt::floordiv(num, den));
}

Value m_perm(Interp& in, const Value&, CallArgs& a) {
  BigInt n, k;
  bool has_k;
  comb_args(in, "perm", a, n, k, has_k);
  if (!has_k) {
    if (n.is_negative()) in.raise(in.builtins().ValueError, "factorial() not defined for negative values");
    if (!n.fits_int64()) in.raise(in.builtins().OverflowError, "factorial() argument should not exceed 9223372036854775807");
    k = n;
  }
  if (n.is_negative()) in.raise(in.builtins().ValueError, "n must be a non-negative integer");
  if (k.is_negative()) in.raise(in.builtins().ValueError, "k must be a non-negative integer");
  if (k > n) return Value::integer(0);
  if (!k.fits_int64()) in.raise(in.builtins().OverflowError, "k must not exceed 9223372036854775807");
  uint64_t kk = uint64_t(k.to_int64());
  if (kk == 0) return Value::integer(1);
  reserve(size_t(std::min(double(kk) * double(n.bit_length() + 1) / 8 + 64, 1e18)));
  charge(kk / 4);
  return make_int(falling(n, kk));
}

Value m_isqrt(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "isqrt", a);
  BigInt n = to_int(in, a.pos[0]);
  if (n.is_negative()) in.raise(in.builtins().ValueError, "isqrt() argument must be nonnegative");
  if (n.is_zero()) return Value::integer(0);
  if (n.fits_int64()) {
    uint64_t v = uint64_t(n.to_int64());
    uint64_t r = uint64_t(std::sqrt(double(v)));
    while (r > 0 && (unsigned __int128)r * r > v) --r;
    while ((unsigned __int128)(r + 1) * (r + 1) <= v) ++r;
    return Value::integer(int64_t(r));
  }
  // Newton's iteration from above: x = 2**ceil(bits/2) >= sqrt(n).
  BigInt x = BigInt::pow(BigInt(2), (n.bit_length() + 1) / 2);
  while (true) {
    charge_step();
    BigInt y = BigInt::floordiv(x + BigInt::floordiv(n, x), BigInt(2));
    if (y >= x) break;
    x = std::move(y);
  }
  return make_int(std::move(x));
}

// ---- sums and norms ----

Value m_prod(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1) {
    if (a.npos + a.nkw > 2) in.raise(in.builtins().TypeError, "prod() takes at most 2 arguments (" + std::to_string(a.npos + a.nkw) + " given)");
    in.raise(in.builtins().TypeError, "prod() takes exactly 1 positional argument (" + std::to_string(a.npos) + " given)");
  }
  Value total = Value::integer(1);
  for (size_t i = 0; i < a.nkw; ++i) {
    if (a.kwnames[i] != "start") in.raise(in.builtins().TypeError, "'" + a.kwnames[i] + "' is an invalid keyword argument for prod()");
    total = a.kw[i];
  }
  Value it = in.get_iter(a.pos[0]);
  Value item;
  while (in.iter_next(it, item)) {
    charge_step();
    total = in.binary_op(BinOp::Mul, total, item);
  }
  return total;
}

// Shewchuk's exact summation: the partial sums are kept as a list of
// non-overlapping floats, whose total is rounded once at the end.
Value m_fsum(Interp& in, const Value&, CallArgs& a) {
  one_arg(in, "fsum", a);
  Value it = in.get_iter(a.pos[0]);
  std::vector<double> p;
  double special = 0, inf_sum = 0;
  Value item;
  while (in.iter_next(it, item)) {
    charge_step();
    double x = to_f(in, item);
    double orig = x;
    size_t k = 0;
    for (double y : p) {
      if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) p[k++] = lo;
      x = hi;
    }
    p.resize(k);
    if (x != 0.0) {
      if (!std::isfinite(x)) {
        if (std::isfinite(orig)) in.raise(in.builtins().OverflowError, "intermediate overflow in fsum");
        if (std::isinf(orig)) inf_sum += orig;
        special += orig;
        p.clear();
      } else {
        p.push_back(x);
      }
    }
  }
  if (special != 0.0) {
    if (std::isnan(inf_sum)) in.raise(in.builtins().ValueError, "-inf + inf in fsum");
    return Value::flt(special);
  }
  double hi = 0.0;
  if (!p.empty()) {
    size_t n = p.size();
    hi = p[--n];
    double lo = 0;
    while (n > 0) {
      double x = hi, y = p[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) break;
    }
    // Round half to even correctly: look at the next partial's sign.
    if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
      double y = lo * 2.0;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) hi = x;
    }
  }
  return Value::flt(hi);
}

// sqrt(sum of squares), with the squares summed in double-double precision
// after scaling by the largest magnitude, and the root corrected once: the
// correctly rounded result in all but pathological cases, as CPython's.
double norm(Interp& in, std::vector<double>& v) {
  double mx = 0;
  bool found_nan = false;
  for (double x : v) {
    x = std::fabs(x);
    if (std::isnan(x)) found_nan = true;
    else if (x > mx) mx = x;
  }
  if (std::isinf(mx)) return mx;
  if (found_nan) return NAN;
  if (mx == 0 || v.size() <= 1) return mx;
  int e = 0;
  std::frexp(mx, &e);
  double hi = 0, lo = 0;
  for (double x : v) {
    charge_step();
    double s = std::ldexp(x, -e);
    double sq = s * s;
    double sq_lo = std::fma(s, s, -sq);
    double t = hi + sq;
    double b = t - hi;
    double err = (hi - (t - b)) + (sq - b);
    hi = t;
    lo += err + sq_lo;
  }
  double sum = hi + lo;
  double lo2 = lo - (sum - hi);
  double h = std::sqrt(sum);
  // One Newton correction on the residual: (sum + lo2 - h*h) / (2h).
  double hh = h * h;
  double hh_lo = std::fma(h, h, -hh);
  double resid = ((sum - hh) - hh_lo) + lo2;
  h += resid / (2 * h);
  (void)in;
  return std::ldexp(h, e);
}

Value m_hypot(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "hypot() takes no keyword arguments");
  std::vector<double> v;
  for (size_t i = 0; i < a.npos; ++i) v.push_back(to_f(in, a.pos[i]));
  return Value::flt(norm(in, v));
}

Value m_dist(Interp& in, const Value&, CallArgs& a) {
  two_args(in, "dist", a);
  auto seq = [&](const Value& v, const char* which) -> std::vector<Value> {
    if (v.is(ObjKind::Tuple)) return v.as<TupleObj>()->items;
    if (v.is(ObjKind::List)) return v.as<ListObj>()->items;
    in.raise(in.builtins().TypeError, std::string("dist(): argument ") + which + " must be tuple, not " + tname(in, v));
  };
  std::vector<Value> p = seq(a.pos[0], "1"), q = seq(a.pos[1], "2");
  if (p.size() != q.size()) in.raise(in.builtins().ValueError, "both points must have the same number of dimensions");
  std::vector<double> d;
  for (size_t i = 0; i < p.size(); ++i) d.push_back(std::fabs(to_f(in, p[i]) - to_f(in, q[i])));
  return Value::flt(norm(in, d));
}

}  // namespace

Value make_math_module(Interp&, Builtins&) {
  Ref<ModuleObj> m(new ModuleObj("math"));
  auto fn = [&](const char* name, Builtin f) { m->attrs.emplace_back(name, Value(new BuiltinObj(name, f))); };
  m->attrs.emplace_back("pi", Value::flt(M_PI));
  m->attrs.emplace_back("e", Value::flt(M_E));
  m->attrs.emplace_back("tau", Value::flt(2 * M_PI));
  m->attrs.emplace_back("inf", Value::flt(std::numeric_limits<double>::infinity()));
  m->attrs.emplace_back("nan", Value::flt(std::numeric_limits<double>::quiet_NaN()));
  fn("sqrt", m_sqrt); fn("exp", m_exp); fn("expm1", m_expm1); fn("fabs", m_fabs);
  fn("sin", m_sin); fn("cos", m_cos); fn("tan", m_tan); fn("asin", m_asin); fn("acos", m_acos); fn("atan", m_atan);
  fn("sinh", m_sinh); fn("cosh", m_cosh); fn("tanh", m_tanh); fn("asinh", m_asinh); fn("acosh", m_acosh); fn("atanh", m_atanh);
  fn("log", m_log); fn("log2", m_log2); fn("log10", m_log10); fn("log1p", m_log1p);
  fn("floor", m_floor); fn("ceil", m_ceil); fn("trunc", m_trunc);
  fn("pow", m_pow); fn("atan2", m_atan2); fn("copysign", m_copysign); fn("fmod", m_fmod); fn("remainder", m_remainder);
  fn("degrees", m_degrees); fn("radians", m_radians);
  fn("isfinite", m_isfinite); fn("isinf", m_isinf); fn("isnan", m_isnan); fn("isclose", m_isclose);
  fn("modf", m_modf); fn("frexp", m_frexp); fn("ldexp", m_ldexp);
  fn("gcd", m_gcd); fn("lcm", m_lcm); fn("factorial", m_factorial); fn("comb", m_comb); fn("perm", m_perm); fn("isqrt", m_isqrt);
  fn("prod", m_prod); fn("fsum", m_fsum); fn("hypot", m_hypot); fn("dist", m_dist);
  return Value(m);
}

}  // namespace corun
