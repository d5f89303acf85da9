// Python 3.11's text formatting of primitive values. See pyformat.h.
//
// The structure follows CPython closely so the two can be compared side by
// side: parse_spec() is parse_internal_render_format_spec(), layout_number()
// is calc_number_widths() + fill_number() (Python/formatter_unicode.c), and
// float_to_string() is format_float_short() (Python/pystrtod.c), fed with the
// digits David Gay's dtoa would produce, here obtained from std::to_chars
// (shortest round-trip, or correctly rounded with round-half-even on ties).
//
// Strings are UTF-8. Lengths, widths and precisions count code points. A byte
// that is not part of valid UTF-8 counts as one code point, U+DC80..U+DCFF,
// the way Python's surrogateescape error handler decodes it.
#include "engine/python/pyformat.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <vector>

#include "engine/vm/budget.h"

namespace corun::pyfmt {
namespace {

[[noreturn]] void fail(const std::string& msg) { throw FormatError(msg); }

// ---------------------------------------------------------------- UTF-8

struct CodePoint {
  char32_t cp;
  size_t len;  // bytes in the encoding
};

// Decodes the code point starting at s[i]. A byte that does not start a
// valid sequence decodes alone, as U+DC00 + byte (surrogateescape).
CodePoint decode_at(std::string_view s, size_t i) {
  const unsigned char b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  const CodePoint invalid{0xDC00u + b0, 1};
  size_t n;
  char32_t cp, min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return invalid;
  }
  if (i + n > s.size()) return invalid;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return invalid;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return invalid;
  return {cp, n};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Byte length of the first n code points of s (all of s if it is shorter).
size_t utf8_prefix_bytes(std::string_view s, size_t n) {
  size_t i = 0;
  for (; i < s.size() && n > 0; --n) i += decode_at(s, i).len;
  return i;
}


// ---------------------------------------------------------------- spec parsing

// A parsed format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
struct Spec {
  std::string fill = " ";   // the fill character, as its UTF-8 bytes
  char32_t fill_cp = ' ';
  char align = '>';         // '<' '>' '^' '='
  char sign = 0;            // 0, '+', '-' or ' '
  bool no_neg_0 = false;    // 'z'
  bool alternate = false;   // '#'
  int64_t width = -1;       // -1: not given
  char grouping = 0;        // 0, ',' or '_'
  int group_size = 3;       // '_' groups bin/oct/hex digits by four
  int64_t precision = -1;   // -1: not given
  char32_t type = 0;        // presentation type, 0 if none
};

bool is_align(char32_t c) { return c == '<' || c == '>' || c == '^' || c == '='; }
bool is_sign(char32_t c) { return c == '+' || c == '-' || c == ' '; }

// How CPython shows a presentation type in an error message.
std::string code_text(char32_t c) {
  if (c > 32 && c < 128) return std::string(1, static_cast<char>(c));
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\x%x", static_cast<unsigned>(c));
  return buf;
}

[[noreturn]] void unknown_code(char32_t type, const char* type_name) {
  fail("Unknown format code '" + code_text(type) + "' for object of type '" + type_name + "'");
}

// The spec as code points, remembering where each one's bytes are.
struct SpecChars {
  std::string_view text;
  std::vector<CodePoint> cps;
  std::vector<size_t> offsets;
  explicit SpecChars(std::string_view t) : text(t) {
    for (size_t i = 0; i < t.size();) {
      const CodePoint c = decode_at(t, i);
      cps.push_back(c);
      offsets.push_back(i);
      i += c.len;
    }
  }
  size_t size() const { return cps.size(); }
  char32_t operator[](size_t k) const { return cps[k].cp; }
  std::string_view bytes(size_t k) const { return text.substr(offsets[k], cps[k].len); }
};

// Reads ASCII decimal digits at pos; returns how many (0: none, *out untouched).
size_t read_integer(const SpecChars& s, size_t& pos, int64_t* out) {
  int64_t acc = 0;
  size_t n = 0;
  for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
    const int digit = static_cast<int>(s[pos] - '0');
    if (acc > (INT64_MAX - digit) / 10) fail("Too many decimal digits in format string");
    acc = acc * 10 + digit;
  }
  if (n > 0) *out = acc;
  return n;
}

// parse_internal_render_format_spec(): the checks that do not depend on the
// value's type, in CPython's order.
Spec parse_spec(std::string_view text, const char* type_name, char32_t default_type,
                char default_align) {
  const SpecChars s(text);
  const size_t end = s.size();
  size_t pos = 0;
  Spec f;
  f.align = default_align;
  f.type = default_type;
  bool align_given = false, fill_given = false;

  if (end - pos >= 2 && is_align(s[pos + 1])) {
    f.fill = std::string(s.bytes(pos));
    f.fill_cp = s[pos];
    f.align = static_cast<char>(s[pos + 1]);
    fill_given = align_given = true;
    pos += 2;
  } else if (end - pos >= 1 && is_align(s[pos])) {
    f.align = static_cast<char>(s[pos]);
    align_given = true;
    ++pos;
  }
  if (pos < end && is_sign(s[pos])) f.sign = static_cast<char>(s[pos++]);
  if (pos < end && s[pos] == 'z') f.no_neg_0 = true, ++pos;
  if (pos < end && s[pos] == '#') f.alternate = true, ++pos;
  // A leading '0' means zero fill, and for numbers '=' alignment too.
  if (!fill_given && pos < end && s[pos] == '0') {
    f.fill = "0";
    f.fill_cp = '0';
    if (!align_given && default_align == '>') f.align = '=';
    ++pos;
  }
  read_integer(s, pos, &f.width);
  if (pos < end && s[pos] == ',') f.grouping = ',', ++pos;
  if (pos < end && s[pos] == '_') {
    if (f.grouping) fail("Cannot specify both ',' and '_'.");
    f.grouping = '_', ++pos;
  }
  if (pos < end && s[pos] == ',' && f.grouping == '_') fail("Cannot specify both ',' and '_'.");
  if (pos < end && s[pos] == '.') {
    ++pos;
    if (read_integer(s, pos, &f.precision) == 0) fail("Format specifier missing precision");
  }
  if (end - pos > 1) {
    fail("Invalid format specifier '" + std::string(text) + "' for object of type '" +
         type_name + "'");
  }
  if (end - pos == 1) f.type = s[pos];

  if (f.grouping) {
    switch (f.type) {
      case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
        break;
      case 'b': case 'o': case 'x': case 'X':
        if (f.grouping == '_') {
          f.group_size = 4;
          break;
        }
        [[fallthrough]];
      default:
        fail(std::string("Cannot specify '") + f.grouping + "' with '" + code_text(f.type) + "'.");
    }
  }
  return f;
}

// Before padding to f.width: the width is the user's number, so memory for it
// is reserved (MemoryError, as CPython's allocation fails, for
// f"{1:>1000000000000}") and the copying charged to the busy budget.
void reserve_width(const Spec& f) {
  if (f.width <= 0) return;
  const size_t bytes = checked_mul(static_cast<size_t>(f.width), f.fill.size());
  reserve(bytes);
  charge(bytes / 32);
}

void append_fill(std::string& out, const Spec& f, int64_t n) {
  if (n <= 0) return;
  if (f.fill.size() == 1) {
    out.append(static_cast<size_t>(n), f.fill[0]);
    return;
  }
  for (int64_t k = 0; k < n; ++k) out += f.fill;
}

// ---------------------------------------------------------------- number layout

// A formatted number cut into the pieces CPython pads and groups separately.
struct NumberParts {
  char sign_char = 0;           // '-' for a negative number
  std::string_view prefix;      // "0x" and the like (alternate form)
  std::string_view digits;      // the integer digits, which get grouped
  bool has_decimal = false;     // a '.' follows the digits
  std::string_view remainder;   // fraction, exponent, "inf", '%', or the 'c' character
  size_t remainder_len = 0;     // in code points
};

// _PyUnicode_InsertThousandsGrouping(): groups digits from the right with sep
// every group_size digits (0: no grouping), left-padding with '0' digits, and
// separators between them, until min_width is reached.
std::string group_digits(std::string_view digits, int64_t min_width, char sep, int group_size) {
  min_width = std::max<int64_t>(0, min_width);
  int64_t remaining = static_cast<int64_t>(digits.size());
  std::string rev;  // built right to left
  bool use_sep = false;
  auto emit = [&](int64_t len) {
    const int64_t n_zeros = std::max<int64_t>(0, len - remaining);
    const int64_t n_chars = std::max<int64_t>(0, std::min(remaining, len));
    if (use_sep) rev += sep;
    for (int64_t k = 0; k < n_chars; ++k) rev += digits[remaining - 1 - k];
    rev.append(n_zeros, '0');
    use_sep = true;
    remaining -= n_chars;
  };
  bool done = false;
  if (group_size > 0) {
    for (;;) {
      const int64_t len = std::min<int64_t>(group_size, std::max({remaining, min_width, int64_t{1}}));
      emit(len);
      min_width -= len;
      if (remaining <= 0 && min_width <= 0) {
        done = true;
        break;
      }
      min_width -= 1;  // the separator
    }
  }
  if (!done) emit(std::max({remaining, min_width, int64_t{1}}));
  return std::string(rev.rbegin(), rev.rend());
}

// calc_number_widths() + fill_number():
//   <lpad><sign><prefix><spad><grouped digits><decimal point><remainder><rpad>
// Zero padding with '=' alignment goes into the digits, so it gets grouped.
std::string layout_number(const Spec& f, const NumberParts& p, bool grouped, bool upper) {
  reserve_width(f);
  char sign = 0;
  if (f.sign == '+') sign = p.sign_char == '-' ? '-' : '+';
  else if (f.sign == ' ') sign = p.sign_char == '-' ? '-' : ' ';
  else if (p.sign_char == '-') sign = '-';

  const int64_t n_other = (sign ? 1 : 0) + static_cast<int64_t>(p.prefix.size()) +
                          (p.has_decimal ? 1 : 0) + static_cast<int64_t>(p.remainder_len);
  const int64_t min_width = (f.fill_cp == '0' && f.align == '=') ? f.width - n_other : 0;
  std::string digits;
  if (!p.digits.empty()) {
    digits = group_digits(p.digits, min_width, grouped ? f.grouping : 0,
                          grouped && f.grouping ? f.group_size : 0);
  }
  std::string prefix(p.prefix);
  if (upper) {
    for (char& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (char& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }

  const int64_t padding = f.width - (n_other + static_cast<int64_t>(digits.size()));
  int64_t lpad = 0, spad = 0, rpad = 0;
  if (padding > 0) {
    switch (f.align) {
      case '<': rpad = padding; break;
      case '^': lpad = padding / 2, rpad = padding - lpad; break;
      case '=': spad = padding; break;
      default: lpad = padding; break;
    }
  }
  auto pad = [&](std::string& out, int64_t n) { append_fill(out, f, n); };
  std::string out;
  // Once, at its final size: growing by doubling would copy a huge padding.
  out.reserve(static_cast<size_t>(lpad + spad + rpad) * f.fill.size() + prefix.size() + digits.size() +
              p.remainder.size() + 2);
  pad(out, lpad);
  if (sign) out += sign;
  out += prefix;
  pad(out, spad);
  out += digits;
  if (p.has_decimal) out += '.';
  out += p.remainder;
  pad(out, rpad);
  return out;
}

// ---------------------------------------------------------------- floats

// A finite, non-negative double's decimal digits as Gay's dtoa returns them:
// value ~= 0.DIGITS x 10**decpt, without trailing zeros. Zero is "0" with
// decpt 1; rounding to a fixed number of places can leave no digits at all.
struct Decimal {
  std::string digits;
  int64_t decpt = 1;
};

enum class DigitMode {
  Shortest,     // dtoa mode 0: shortest string that round-trips
  Significant,  // mode 2: ndigits significant digits, correctly rounded
  Fixed,        // mode 3: ndigits digits after the decimal point
};

void strip_trailing_zeros(std::string& s) {
  while (!s.empty() && s.back() == '0') s.pop_back();
}

Decimal to_decimal(double ax, DigitMode mode, int64_t ndigits) {
  if (ax == 0) return {"0", 1};
  std::string buf(mode == DigitMode::Fixed ? 330 + ndigits : 40 + ndigits, '\0');
  char* first = buf.data();
  char* last = buf.data() + buf.size();
  std::to_chars_result r{first, std::errc{}};
  switch (mode) {
    case DigitMode::Shortest:
      r = std::to_chars(first, last, ax, std::chars_format::scientific);
      break;
    case DigitMode::Significant:
      r = std::to_chars(first, last, ax, std::chars_format::scientific,
                        static_cast<int>(ndigits - 1));
      break;
    case DigitMode::Fixed:
      r = std::to_chars(first, last, ax, std::chars_format::fixed, static_cast<int>(ndigits));
      break;
  }
  const std::string_view text(first, static_cast<size_t>(r.ptr - first));
  Decimal d;
  if (mode == DigitMode::Fixed) {
    // "III.FFF": the point sits after the integer digits; drop leading zeros.
    const size_t point = std::min(text.find('.'), text.size());
    d.digits = std::string(text.substr(0, point));
    if (point < text.size()) d.digits += text.substr(point + 1);
    d.decpt = static_cast<int64_t>(point);
    const size_t zeros = std::min(d.digits.find_first_not_of('0'), d.digits.size());
    d.digits.erase(0, zeros);
    d.decpt -= static_cast<int64_t>(zeros);
    strip_trailing_zeros(d.digits);
    if (d.digits.empty()) d.decpt = -ndigits;
  } else {
    // "D.DDDe+XX"
    const size_t e = text.find('e');
    for (char c : text.substr(0, e))
      if (c != '.') d.digits += c;
    int exp = 0;
    std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(), exp);
    d.decpt = exp + 1;
    strip_trailing_zeros(d.digits);
  }
  return d;
}

// format_float_short(): the text of d for code 'e', 'f', 'g' or 'r' (repr).
// add_dot_0 keeps a ".0" on integral positional output ('r', and the
// no-type format with a precision); alt is '#'; no_neg_0 is 'z'.
std::string float_to_string(double d, char code, int64_t precision, bool upper, bool add_dot_0,
                            bool alt, bool no_neg_0) {
  if (std::isnan(d)) return upper ? "NAN" : "nan";  // the sign of a nan is ignored
  bool negative = std::signbit(d);
  if (std::isinf(d)) return std::string(negative ? "-" : "") + (upper ? "INF" : "inf");

  Decimal dec;
  switch (code) {
    case 'e':
      precision += 1;
      dec = to_decimal(std::fabs(d), DigitMode::Significant, precision);
      break;
    case 'f':
      dec = to_decimal(std::fabs(d), DigitMode::Fixed, precision);
      break;
    case 'g':
      if (precision == 0) precision = 1;
      dec = to_decimal(std::fabs(d), DigitMode::Significant, precision);
      break;
    default:  // 'r'
      dec = to_decimal(std::fabs(d), DigitMode::Shortest, 0);
      break;
  }
  if (no_neg_0 && negative && (dec.digits.empty() || dec.digits == "0")) negative = false;

  // Output the slice [vstart, vend) of the digits, padded with zeros on
  // both sides, with the decimal point before position decpt.
  const int64_t ndigits = static_cast<int64_t>(dec.digits.size());
  int64_t decpt = dec.decpt;
  int64_t vend = ndigits;
  bool use_exp = false;
  switch (code) {
    case 'e':
      use_exp = true;
      vend = precision;
      break;
    case 'f':
      vend = decpt + precision;
      break;
    case 'g':
      use_exp = decpt <= -4 || decpt > (add_dot_0 ? precision - 1 : precision);
      if (alt) vend = precision;
      break;
    default:  // 'r': positional for 1e-4 <= |d| < 1e16
      use_exp = decpt <= -4 || decpt > 16;
      break;
  }
  int64_t exp = 0;
  if (use_exp) {
    exp = decpt - 1;
    decpt = 1;
  }
  const int64_t vstart = decpt <= 0 ? decpt - 1 : 0;
  vend = std::max(vend, (!use_exp && add_dot_0) ? decpt + 1 : decpt);

  std::string out;
  if (negative) out += '-';
  for (int64_t i = vstart; i < vend; ++i) {
    if (i == decpt) out += '.';
    out += (i >= 0 && i < ndigits) ? dec.digits[i] : '0';
  }
  if (decpt == vend && alt) out += '.';  // "1." only in alternate form
  if (use_exp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%c%+.02d", upper ? 'E' : 'e', static_cast<int>(exp));
    out += buf;
  }
  return out;
}

// format_float_internal(): a float (or an int converted to one) under a spec
// whose type is one of e E f F g G n % or none.
std::string format_float_spec(double val, const Spec& f) {
  if (f.precision > INT_MAX) fail("precision too big");
  // The digits and the text built from them are each about `precision`
  // bytes: refuse what memory cannot hold before converting.
  if (f.precision > 0) {
    const size_t bytes = checked_mul(static_cast<size_t>(f.precision), 2);
    reserve(bytes);
    charge(bytes / 8);
  }
  char32_t type = f.type;
  int64_t precision = f.precision;
  int64_t default_precision = 6;
  bool add_dot_0 = false, add_pct = false;
  if (type == 0) {
    // No type: repr() without a precision, else 'g' keeping one decimal.
    add_dot_0 = true;
    type = 'r';
    default_precision = 0;
  }
  if (type == 'n') type = 'g';  // 'n' is 'g' with the C locale's (empty) grouping
  if (type == '%') {
    type = 'f';
    val *= 100;
    add_pct = true;
  }
  if (precision < 0) precision = default_precision;
  else if (type == 'r') type = 'g';

  const bool upper = type == 'E' || type == 'F' || type == 'G';
  const char code = static_cast<char>(upper ? type - 'A' + 'a' : type);
  std::string text = float_to_string(val, code, precision, upper, add_dot_0, f.alternate, f.no_neg_0);
  if (add_pct) text += '%';

  // parse_number(): digits, then an optional '.', then the rest.
  NumberParts p;
  std::string_view body = text;
  if (!body.empty() && body[0] == '-') {
    p.sign_char = '-';
    body.remove_prefix(1);
  }
  const size_t n_digits = std::min(body.find_first_not_of("0123456789"), body.size());
  p.digits = body.substr(0, n_digits);
  p.has_decimal = n_digits < body.size() && body[n_digits] == '.';
  p.remainder = body.substr(n_digits + (p.has_decimal ? 1 : 0));
  p.remainder_len = p.remainder.size();
  return layout_number(f, p, f.type != 'n', false);
}

// ---------------------------------------------------------------- ints

// format_long_internal(): an int under a spec whose type is b c d o x X n.
std::string format_long_spec(int64_t v, const Spec& f) {
  if (f.precision != -1) fail("Precision not allowed in integer format specifier");
  if (f.no_neg_0) fail("Negative zero coercion (z) not allowed in integer format specifier");

  NumberParts p;
  if (f.type == 'c') {
    // The character is laid out as a "remainder": padded, never grouped.
    if (f.sign) fail("Sign not allowed with integer format specifier 'c'");
    if (f.alternate) fail("Alternate form (#) not allowed with integer format specifier 'c'");
    if (v < 0 || v > 0x10FFFF) fail("%c arg not in range(0x110000)");  // an OverflowError
    std::string ch;
    append_utf8(ch, static_cast<char32_t>(v));
    p.remainder = ch;
    p.remainder_len = 1;
    return layout_number(f, p, false, false);
  }

  unsigned base = 10;
  const char* prefix = "";
  switch (f.type) {
    case 'b': base = 2, prefix = "0b"; break;
    case 'o': base = 8, prefix = "0o"; break;
    case 'x': case 'X': base = 16, prefix = "0x"; break;
    default: break;  // 'd', 'n'
  }
  // The magnitude in the base, computed unsigned so INT64_MIN works.
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char buf[72];
  const auto r = std::to_chars(buf, buf + sizeof buf, mag, static_cast<int>(base));
  p.digits = std::string_view(buf, static_cast<size_t>(r.ptr - buf));
  p.sign_char = v < 0 ? '-' : 0;
  if (f.alternate) p.prefix = prefix;
  return layout_number(f, p, f.type != 'n', f.type == 'X');
}

// long's __format__ with a non-empty spec; floats types convert to float.
std::string format_int_like(int64_t v, std::string_view spec, const char* type_name) {
  const Spec f = parse_spec(spec, type_name, 'd', '>');
  switch (f.type) {
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
      return format_long_spec(v, f);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
      return format_float_spec(static_cast<double>(v), f);
    default:
      unknown_code(f.type, type_name);
  }
}

}  // namespace

// ---------------------------------------------------------------- public API

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += decode_at(s, i).len) ++n;
  return n;
}

std::string float_repr(double x) { return float_to_string(x, 'r', 0, false, true, false, false); }

std::string int_str(int64_t v) { return std::to_string(v); }

// unicode_repr() in Objects/unicodeobject.c.
std::string str_repr(std::string_view utf8) {
  const bool has_single = utf8.find('\'') != std::string_view::npos;
  const bool has_double = utf8.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  char buf[16];
  for (size_t i = 0; i < utf8.size();) {
    const CodePoint c = decode_at(utf8, i);
    const char32_t cp = c.cp;
    if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < ' ' || cp == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if (cp < 0x7F || is_printable(cp)) {
      out += utf8.substr(i, c.len);
    } else {
      const char* fmt = cp <= 0xFF ? "\\x%02x" : cp <= 0xFFFF ? "\\u%04x" : "\\U%08x";
      std::snprintf(buf, sizeof buf, fmt, static_cast<unsigned>(cp));
      out += buf;
    }
    i += c.len;
  }
  out += quote;
  return out;
}

std::string format_int(int64_t v, std::string_view spec) {
  if (spec.empty()) return int_str(v);
  return format_int_like(v, spec, "int");
}

std::string format_bool(bool v, std::string_view spec) {
  if (spec.empty()) return v ? "True" : "False";  // str(v)
  return format_int_like(v ? 1 : 0, spec, "bool");
}

std::string format_float(double v, std::string_view spec) {
  if (spec.empty()) return float_repr(v);
  const Spec f = parse_spec(spec, "float", 0, '>');
  switch (f.type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
      return format_float_spec(v, f);
    default:
      unknown_code(f.type, "float");
  }
}

// format_string_internal().
std::string format_str(std::string_view utf8, std::string_view spec) {
  if (spec.empty()) return std::string(utf8);
  const Spec f = parse_spec(spec, "str", 's', '<');
  if (f.type != 's') unknown_code(f.type, "str");
  if (f.sign == ' ') fail("Space not allowed in string format specifier");
  if (f.sign) fail("Sign not allowed in string format specifier");
  if (f.no_neg_0) fail("Negative zero coercion (z) not allowed in string format specifier");
  if (f.alternate) fail("Alternate form (#) not allowed in string format specifier");
  if (f.align == '=') fail("'=' alignment not allowed in string format specifier");

  // Precision truncates, width pads; both count code points.
  std::string_view text = utf8;
  int64_t len = static_cast<int64_t>(utf8_length(text));
  if (f.precision >= 0 && len > f.precision) {
    text = text.substr(0, utf8_prefix_bytes(text, static_cast<size_t>(f.precision)));
    len = f.precision;
  }
  const int64_t padding = std::max<int64_t>(0, f.width - len);
  int64_t lpad = 0;
  if (f.align == '>') lpad = padding;
  else if (f.align == '^') lpad = padding / 2;
  reserve_width(f);
  std::string out;
  out.reserve(static_cast<size_t>(padding) * f.fill.size() + text.size());
  append_fill(out, f, lpad);
  out += text;
  append_fill(out, f, padding - lpad);
  return out;
}

// ---------------------------------------------------------------- printable table

namespace {

// The code points >= U+0080 for which Python 3.11's str.isprintable() is
// false (Unicode 14.0 categories Cc Cf Cs Co Cn Zl Zp Zs), as inclusive
// ranges. Generated once with python3:
//   r, s = [], None
//   for c in range(0x80, 0x110000):
//       p = chr(c).isprintable()
//       if not p and s is None: s = c
//       if p and s is not None: r.append((s, c - 1)); s = None
//   r.append((s, 0x10FFFF))
struct Range {
  char32_t lo, hi;
};
constexpr Range kNonPrintable[] = {
    {0x80, 0xA0}, {0xAD, 0xAD}, {0x378, 0x379}, {0x380, 0x383}, {0x38B, 0x38B},
    {0x38D, 0x38D}, {0x3A2, 0x3A2}, {0x530, 0x530}, {0x557, 0x558}, {0x58B, 0x58C},
    {0x590, 0x590}, {0x5C8, 0x5CF}, {0x5EB, 0x5EE}, {0x5F5, 0x605}, {0x61C, 0x61C},
    {0x6DD, 0x6DD}, {0x70E, 0x70F}, {0x74B, 0x74C}, {0x7B2, 0x7BF}, {0x7FB, 0x7FC},
    {0x82E, 0x82F}, {0x83F, 0x83F}, {0x85C, 0x85D}, {0x85F, 0x85F}, {0x86B, 0x86F},
    {0x88F, 0x897}, {0x8E2, 0x8E2}, {0x984, 0x984}, {0x98D, 0x98E}, {0x991, 0x992},
    {0x9A9, 0x9A9}, {0x9B1, 0x9B1}, {0x9B3, 0x9B5}, {0x9BA, 0x9BB}, {0x9C5, 0x9C6},
    {0x9C9, 0x9CA}, {0x9CF, 0x9D6}, {0x9D8, 0x9DB}, {0x9DE, 0x9DE}, {0x9E4, 0x9E5},
    {0x9FF, 0xA00}, {0xA04, 0xA04}, {0xA0B, 0xA0E}, {0xA11, 0xA12}, {0xA29, 0xA29},
    {0xA31, 0xA31}, {0xA34, 0xA34}, {0xA37, 0xA37}, {0xA3A, 0xA3B}, {0xA3D, 0xA3D},
    {0xA43, 0xA46}, {0xA49, 0xA4A}, {0xA4E, 0xA50}, {0xA52, 0xA58}, {0xA5D, 0xA5D},
    {0xA5F, 0xA65}, {0xA77, 0xA80}, {0xA84, 0xA84}, {0xA8E, 0xA8E}, {0xA92, 0xA92},
    {0xAA9, 0xAA9}, {0xAB1, 0xAB1}, {0xAB4, 0xAB4}, {0xABA, 0xABB}, {0xAC6, 0xAC6},
    {0xACA, 0xACA}, {0xACE, 0xACF}, {0xAD1, 0xADF}, {0xAE4, 0xAE5}, {0xAF2, 0xAF8},
    {0xB00, 0xB00}, {0xB04, 0xB04}, {0xB0D, 0xB0E}, {0xB11, 0xB12}, {0xB29, 0xB29},
    {0xB31, 0xB31}, {0xB34, 0xB34}, {0xB3A, 0xB3B}, {0xB45, 0xB46}, {0xB49, 0xB4A},
    {0xB4E, 0xB54}, {0xB58, 0xB5B}, {0xB5E, 0xB5E}, {0xB64, 0xB65}, {0xB78, 0xB81},
    {0xB84, 0xB84}, {0xB8B, 0xB8D}, {0xB91, 0xB91}, {0xB96, 0xB98}, {0xB9B, 0xB9B},
    {0xB9D, 0xB9D}, {0xBA0, 0xBA2}, {0xBA5, 0xBA7}, {0xBAB, 0xBAD}, {0xBBA, 0xBBD},
    {0xBC3, 0xBC5}, {0xBC9, 0xBC9}, {0xBCE, 0xBCF}, {0xBD1, 0xBD6}, {0xBD8, 0xBE5},
    {0xBFB, 0xBFF}, {0xC0D, 0xC0D}, {0xC11, 0xC11}, {0xC29, 0xC29}, {0xC3A, 0xC3B},
    {0xC45, 0xC45}, {0xC49, 0xC49}, {0xC4E, 0xC54}, {0xC57, 0xC57}, {0xC5B, 0xC5C},
    {0xC5E, 0xC5F}, {0xC64, 0xC65}, {0xC70, 0xC76}, {0xC8D, 0xC8D}, {0xC91, 0xC91},
    {0xCA9, 0xCA9}, {0xCB4, 0xCB4}, {0xCBA, 0xCBB}, {0xCC5, 0xCC5}, {0xCC9, 0xCC9},
    {0xCCE, 0xCD4}, {0xCD7, 0xCDC}, {0xCDF, 0xCDF}, {0xCE4, 0xCE5}, {0xCF0, 0xCF0},
    {0xCF3, 0xCFF}, {0xD0D, 0xD0D}, {0xD11, 0xD11}, {0xD45, 0xD45}, {0xD49, 0xD49},
    {0xD50, 0xD53}, {0xD64, 0xD65}, {0xD80, 0xD80}, {0xD84, 0xD84}, {0xD97, 0xD99},
    {0xDB2, 0xDB2}, {0xDBC, 0xDBC}, {0xDBE, 0xDBF}, {0xDC7, 0xDC9}, {0xDCB, 0xDCE},
    {0xDD5, 0xDD5}, {0xDD7, 0xDD7}, {0xDE0, 0xDE5}, {0xDF0, 0xDF1}, {0xDF5, 0xE00},
    {0xE3B, 0xE3E}, {0xE5C, 0xE80}, {0xE83, 0xE83}, {0xE85, 0xE85}, {0xE8B, 0xE8B},
    {0xEA4, 0xEA4}, {0xEA6, 0xEA6}, {0xEBE, 0xEBF}, {0xEC5, 0xEC5}, {0xEC7, 0xEC7},
    {0xECE, 0xECF}, {0xEDA, 0xEDB}, {0xEE0, 0xEFF}, {0xF48, 0xF48}, {0xF6D, 0xF70},
    {0xF98, 0xF98}, {0xFBD, 0xFBD}, {0xFCD, 0xFCD}, {0xFDB, 0xFFF}, {0x10C6, 0x10C6},
    {0x10C8, 0x10CC}, {0x10CE, 0x10CF}, {0x1249, 0x1249}, {0x124E, 0x124F},
    {0x1257, 0x1257}, {0x1259, 0x1259}, {0x125E, 0x125F}, {0x1289, 0x1289},
    {0x128E, 0x128F}, {0x12B1, 0x12B1}, {0x12B6, 0x12B7}, {0x12BF, 0x12BF},
    {0x12C1, 0x12C1}, {0x12C6, 0x12C7}, {0x12D7, 0x12D7}, {0x1311, 0x1311},
    {0x1316, 0x1317}, {0x135B, 0x135C}, {0x137D, 0x137F}, {0x139A, 0x139F},
    {0x13F6, 0x13F7}, {0x13FE, 0x13FF}, {0x1680, 0x1680}, {0x169D, 0x169F},
    {0x16F9, 0x16FF}, {0x1716, 0x171E}, {0x1737, 0x173F}, {0x1754, 0x175F},
    {0x176D, 0x176D}, {0x1771, 0x1771}, {0x1774, 0x177F}, {0x17DE, 0x17DF},
    {0x17EA, 0x17EF}, {0x17FA, 0x17FF}, {0x180E, 0x180E}, {0x181A, 0x181F},
    {0x1879, 0x187F}, {0x18AB, 0x18AF}, {0x18F6, 0x18FF}, {0x191F, 0x191F},
    {0x192C, 0x192F}, {0x193C, 0x193F}, {0x1941, 0x1943}, {0x196E, 0x196F},
    {0x1975, 0x197F}, {0x19AC, 0x19AF}, {0x19CA, 0x19CF}, {0x19DB, 0x19DD},
    {0x1A1C, 0x1A1D}, {0x1A5F, 0x1A5F}, {0x1A7D, 0x1A7E}, {0x1A8A, 0x1A8F},
    {0x1A9A, 0x1A9F}, {0x1AAE, 0x1AAF}, {0x1ACF, 0x1AFF}, {0x1B4D, 0x1B4F},
    {0x1B7F, 0x1B7F}, {0x1BF4, 0x1BFB}, {0x1C38, 0x1C3A}, {0x1C4A, 0x1C4C},
    {0x1C89, 0x1C8F}, {0x1CBB, 0x1CBC}, {0x1CC8, 0x1CCF}, {0x1CFB, 0x1CFF},
    {0x1F16, 0x1F17}, {0x1F1E, 0x1F1F}, {0x1F46, 0x1F47}, {0x1F4E, 0x1F4F},
    {0x1F58, 0x1F58}, {0x1F5A, 0x1F5A}, {0x1F5C, 0x1F5C}, {0x1F5E, 0x1F5E},
    {0x1F7E, 0x1F7F}, {0x1FB5, 0x1FB5}, {0x1FC5, 0x1FC5}, {0x1FD4, 0x1FD5},
    {0x1FDC, 0x1FDC}, {0x1FF0, 0x1FF1}, {0x1FF5, 0x1FF5}, {0x1FFF, 0x200F},
    {0x2028, 0x202F}, {0x205F, 0x206F}, {0x2072, 0x2073}, {0x208F, 0x208F},
    {0x209D, 0x209F}, {0x20C1, 0x20CF}, {0x20F1, 0x20FF}, {0x218C, 0x218F},
    {0x2427, 0x243F}, {0x244B, 0x245F}, {0x2B74, 0x2B75}, {0x2B96, 0x2B96},
    {0x2CF4, 0x2CF8}, {0x2D26, 0x2D26}, {0x2D28, 0x2D2C}, {0x2D2E, 0x2D2F},
    {0x2D68, 0x2D6E}, {0x2D71, 0x2D7E}, {0x2D97, 0x2D9F}, {0x2DA7, 0x2DA7},
    {0x2DAF, 0x2DAF}, {0x2DB7, 0x2DB7}, {0x2DBF, 0x2DBF}, {0x2DC7, 0x2DC7},
    {0x2DCF, 0x2DCF}, {0x2DD7, 0x2DD7}, {0x2DDF, 0x2DDF}, {0x2E5E, 0x2E7F},
    {0x2E9A, 0x2E9A}, {0x2EF4, 0x2EFF}, {0x2FD6, 0x2FEF}, {0x2FFC, 0x3000},
    {0x3040, 0x3040}, {0x3097, 0x3098}, {0x3100, 0x3104}, {0x3130, 0x3130},
    {0x318F, 0x318F}, {0x31E4, 0x31EF}, {0x321F, 0x321F}, {0xA48D, 0xA48F},
    {0xA4C7, 0xA4CF}, {0xA62C, 0xA63F}, {0xA6F8, 0xA6FF}, {0xA7CB, 0xA7CF},
    {0xA7D2, 0xA7D2}, {0xA7D4, 0xA7D4}, {0xA7DA, 0xA7F1}, {0xA82D, 0xA82F},
    {0xA83A, 0xA83F}, {0xA878, 0xA87F}, {0xA8C6, 0xA8CD}, {0xA8DA, 0xA8DF},
    {0xA954, 0xA95E}, {0xA97D, 0xA97F}, {0xA9CE, 0xA9CE}, {0xA9DA, 0xA9DD},
    {0xA9FF, 0xA9FF}, {0xAA37, 0xAA3F}, {0xAA4E, 0xAA4F}, {0xAA5A, 0xAA5B},
    {0xAAC3, 0xAADA}, {0xAAF7, 0xAB00}, {0xAB07, 0xAB08}, {0xAB0F, 0xAB10},
    {0xAB17, 0xAB1F}, {0xAB27, 0xAB27}, {0xAB2F, 0xAB2F}, {0xAB6C, 0xAB6F},
    {0xABEE, 0xABEF}, {0xABFA, 0xABFF}, {0xD7A4, 0xD7AF}, {0xD7C7, 0xD7CA},
    {0xD7FC, 0xF8FF}, {0xFA6E, 0xFA6F}, {0xFADA, 0xFAFF}, {0xFB07, 0xFB12},
    {0xFB18, 0xFB1C}, {0xFB37, 0xFB37}, {0xFB3D, 0xFB3D}, {0xFB3F, 0xFB3F},
    {0xFB42, 0xFB42}, {0xFB45, 0xFB45}, {0xFBC3, 0xFBD2}, {0xFD90, 0xFD91},
    {0xFDC8, 0xFDCE}, {0xFDD0, 0xFDEF}, {0xFE1A, 0xFE1F}, {0xFE53, 0xFE53},
    {0xFE67, 0xFE67}, {0xFE6C, 0xFE6F}, {0xFE75, 0xFE75}, {0xFEFD, 0xFF00},
    {0xFFBF, 0xFFC1}, {0xFFC8, 0xFFC9}, {0xFFD0, 0xFFD1}, {0xFFD8, 0xFFD9},
    {0xFFDD, 0xFFDF}, {0xFFE7, 0xFFE7}, {0xFFEF, 0xFFFB}, {0xFFFE, 0xFFFF},
    {0x1000C, 0x1000C}, {0x10027, 0x10027}, {0x1003B, 0x1003B}, {0x1003E, 0x1003E},
    {0x1004E, 0x1004F}, {0x1005E, 0x1007F}, {0x100FB, 0x100FF}, {0x10103, 0x10106},
    {0x10134, 0x10136}, {0x1018F, 0x1018F}, {0x1019D, 0x1019F}, {0x101A1, 0x101CF},
    {0x101FE, 0x1027F}, {0x1029D, 0x1029F}, {0x102D1, 0x102DF}, {0x102FC, 0x102FF},
    {0x10324, 0x1032C}, {0x1034B, 0x1034F}, {0x1037B, 0x1037F}, {0x1039E, 0x1039E},
    {0x103C4, 0x103C7}, {0x103D6, 0x103FF}, {0x1049E, 0x1049F}, {0x104AA, 0x104AF},
    {0x104D4, 0x104D7}, {0x104FC, 0x104FF}, {0x10528, 0x1052F}, {0x10564, 0x1056E},
    {0x1057B, 0x1057B}, {0x1058B, 0x1058B}, {0x10593, 0x10593}, {0x10596, 0x10596},
    {0x105A2, 0x105A2}, {0x105B2, 0x105B2}, {0x105BA, 0x105BA}, {0x105BD, 0x105FF},
    {0x10737, 0x1073F}, {0x10756, 0x1075F}, {0x10768, 0x1077F}, {0x10786, 0x10786},
    {0x107B1, 0x107B1}, {0x107BB, 0x107FF}, {0x10806, 0x10807}, {0x10809, 0x10809},
    {0x10836, 0x10836}, {0x10839, 0x1083B}, {0x1083D, 0x1083E}, {0x10856, 0x10856},
    {0x1089F, 0x108A6}, {0x108B0, 0x108DF}, {0x108F3, 0x108F3}, {0x108F6, 0x108FA},
    {0x1091C, 0x1091E}, {0x1093A, 0x1093E}, {0x10940, 0x1097F}, {0x109B8, 0x109BB},
    {0x109D0, 0x109D1}, {0x10A04, 0x10A04}, {0x10A07, 0x10A0B}, {0x10A14, 0x10A14},
    {0x10A18, 0x10A18}, {0x10A36, 0x10A37}, {0x10A3B, 0x10A3E}, {0x10A49, 0x10A4F},
    {0x10A59, 0x10A5F}, {0x10AA0, 0x10ABF}, {0x10AE7, 0x10AEA}, {0x10AF7, 0x10AFF},
    {0x10B36, 0x10B38}, {0x10B56, 0x10B57}, {0x10B73, 0x10B77}, {0x10B92, 0x10B98},
    {0x10B9D, 0x10BA8}, {0x10BB0, 0x10BFF}, {0x10C49, 0x10C7F}, {0x10CB3, 0x10CBF},
    {0x10CF3, 0x10CF9}, {0x10D28, 0x10D2F}, {0x10D3A, 0x10E5F}, {0x10E7F, 0x10E7F},
    {0x10EAA, 0x10EAA}, {0x10EAE, 0x10EAF}, {0x10EB2, 0x10EFF}, {0x10F28, 0x10F2F},
    {0x10F5A, 0x10F6F}, {0x10F8A, 0x10FAF}, {0x10FCC, 0x10FDF}, {0x10FF7, 0x10FFF},
    {0x1104E, 0x11051}, {0x11076, 0x1107E}, {0x110BD, 0x110BD}, {0x110C3, 0x110CF},
    {0x110E9, 0x110EF}, {0x110FA, 0x110FF}, {0x11135, 0x11135}, {0x11148, 0x1114F},
    {0x11177, 0x1117F}, {0x111E0, 0x111E0}, {0x111F5, 0x111FF}, {0x11212, 0x11212},
    {0x1123F, 0x1127F}, {0x11287, 0x11287}, {0x11289, 0x11289}, {0x1128E, 0x1128E},
    {0x1129E, 0x1129E}, {0x112AA, 0x112AF}, {0x112EB, 0x112EF}, {0x112FA, 0x112FF},
    {0x11304, 0x11304}, {0x1130D, 0x1130E}, {0x11311, 0x11312}, {0x11329, 0x11329},
    {0x11331, 0x11331}, {0x11334, 0x11334}, {0x1133A, 0x1133A}, {0x11345, 0x11346},
    {0x11349, 0x1134A}, {0x1134E, 0x1134F}, {0x11351, 0x11356}, {0x11358, 0x1135C},
    {0x11364, 0x11365}, {0x1136D, 0x1136F}, {0x11375, 0x113FF}, {0x1145C, 0x1145C},
    {0x11462, 0x1147F}, {0x114C8, 0x114CF}, {0x114DA, 0x1157F}, {0x115B6, 0x115B7},
    {0x115DE, 0x115FF}, {0x11645, 0x1164F}, {0x1165A, 0x1165F}, {0x1166D, 0x1167F},
    {0x116BA, 0x116BF}, {0x116CA, 0x116FF}, {0x1171B, 0x1171C}, {0x1172C, 0x1172F},
    {0x11747, 0x117FF}, {0x1183C, 0x1189F}, {0x118F3, 0x118FE}, {0x11907, 0x11908},
    {0x1190A, 0x1190B}, {0x11914, 0x11914}, {0x11917, 0x11917}, {0x11936, 0x11936},
    {0x11939, 0x1193A}, {0x11947, 0x1194F}, {0x1195A, 0x1199F}, {0x119A8, 0x119A9},
    {0x119D8, 0x119D9}, {0x119E5, 0x119FF}, {0x11A48, 0x11A4F}, {0x11AA3, 0x11AAF},
    {0x11AF9, 0x11BFF}, {0x11C09, 0x11C09}, {0x11C37, 0x11C37}, {0x11C46, 0x11C4F},
    {0x11C6D, 0x11C6F}, {0x11C90, 0x11C91}, {0x11CA8, 0x11CA8}, {0x11CB7, 0x11CFF},
    {0x11D07, 0x11D07}, {0x11D0A, 0x11D0A}, {0x11D37, 0x11D39}, {0x11D3B, 0x11D3B},
    {0x11D3E, 0x11D3E}, {0x11D48, 0x11D4F}, {0x11D5A, 0x11D5F}, {0x11D66, 0x11D66},
    {0x11D69, 0x11D69}, {0x11D8F, 0x11D8F}, {0x11D92, 0x11D92}, {0x11D99, 0x11D9F},
    {0x11DAA, 0x11EDF}, {0x11EF9, 0x11FAF}, {0x11FB1, 0x11FBF}, {0x11FF2, 0x11FFE},
    {0x1239A, 0x123FF}, {0x1246F, 0x1246F}, {0x12475, 0x1247F}, {0x12544, 0x12F8F},
    {0x12FF3, 0x12FFF}, {0x1342F, 0x143FF}, {0x14647, 0x167FF}, {0x16A39, 0x16A3F},
    {0x16A5F, 0x16A5F}, {0x16A6A, 0x16A6D}, {0x16ABF, 0x16ABF}, {0x16ACA, 0x16ACF},
    {0x16AEE, 0x16AEF}, {0x16AF6, 0x16AFF}, {0x16B46, 0x16B4F}, {0x16B5A, 0x16B5A},
    {0x16B62, 0x16B62}, {0x16B78, 0x16B7C}, {0x16B90, 0x16E3F}, {0x16E9B, 0x16EFF},
    {0x16F4B, 0x16F4E}, {0x16F88, 0x16F8E}, {0x16FA0, 0x16FDF}, {0x16FE5, 0x16FEF},
    {0x16FF2, 0x16FFF}, {0x187F8, 0x187FF}, {0x18CD6, 0x18CFF}, {0x18D09, 0x1AFEF},
    {0x1AFF4, 0x1AFF4}, {0x1AFFC, 0x1AFFC}, {0x1AFFF, 0x1AFFF}, {0x1B123, 0x1B14F},
    {0x1B153, 0x1B163}, {0x1B168, 0x1B16F}, {0x1B2FC, 0x1BBFF}, {0x1BC6B, 0x1BC6F},
    {0x1BC7D, 0x1BC7F}, {0x1BC89, 0x1BC8F}, {0x1BC9A, 0x1BC9B}, {0x1BCA0, 0x1CEFF},
    {0x1CF2E, 0x1CF2F}, {0x1CF47, 0x1CF4F}, {0x1CFC4, 0x1CFFF}, {0x1D0F6, 0x1D0FF},
    {0x1D127, 0x1D128}, {0x1D173, 0x1D17A}, {0x1D1EB, 0x1D1FF}, {0x1D246, 0x1D2DF},
    {0x1D2F4, 0x1D2FF}, {0x1D357, 0x1D35F}, {0x1D379, 0x1D3FF}, {0x1D455, 0x1D455},
    {0x1D49D, 0x1D49D}, {0x1D4A0, 0x1D4A1}, {0x1D4A3, 0x1D4A4}, {0x1D4A7, 0x1D4A8},
    {0x1D4AD, 0x1D4AD}, {0x1D4BA, 0x1D4BA}, {0x1D4BC, 0x1D4BC}, {0x1D4C4, 0x1D4C4},
    {0x1D506, 0x1D506}, {0x1D50B, 0x1D50C}, {0x1D515, 0x1D515}, {0x1D51D, 0x1D51D},
    {0x1D53A, 0x1D53A}, {0x1D53F, 0x1D53F}, {0x1D545, 0x1D545}, {0x1D547, 0x1D549},
    {0x1D551, 0x1D551}, {0x1D6A6, 0x1D6A7}, {0x1D7CC, 0x1D7CD}, {0x1DA8C, 0x1DA9A},
    {0x1DAA0, 0x1DAA0}, {0x1DAB0, 0x1DEFF}, {0x1DF1F, 0x1DFFF}, {0x1E007, 0x1E007},
    {0x1E019, 0x1E01A}, {0x1E022, 0x1E022}, {0x1E025, 0x1E025}, {0x1E02B, 0x1E0FF},
    {0x1E12D, 0x1E12F}, {0x1E13E, 0x1E13F}, {0x1E14A, 0x1E14D}, {0x1E150, 0x1E28F},
    {0x1E2AF, 0x1E2BF}, {0x1E2FA, 0x1E2FE}, {0x1E300, 0x1E7DF}, {0x1E7E7, 0x1E7E7},
    {0x1E7EC, 0x1E7EC}, {0x1E7EF, 0x1E7EF}, {0x1E7FF, 0x1E7FF}, {0x1E8C5, 0x1E8C6},
    {0x1E8D7, 0x1E8FF}, {0x1E94C, 0x1E94F}, {0x1E95A, 0x1E95D}, {0x1E960, 0x1EC70},
    {0x1ECB5, 0x1ED00}, {0x1ED3E, 0x1EDFF}, {0x1EE04, 0x1EE04}, {0x1EE20, 0x1EE20},
    {0x1EE23, 0x1EE23}, {0x1EE25, 0x1EE26}, {0x1EE28, 0x1EE28}, {0x1EE33, 0x1EE33},
    {0x1EE38, 0x1EE38}, {0x1EE3A, 0x1EE3A}, {0x1EE3C, 0x1EE41}, {0x1EE43, 0x1EE46},
    {0x1EE48, 0x1EE48}, {0x1EE4A, 0x1EE4A}, {0x1EE4C, 0x1EE4C}, {0x1EE50, 0x1EE50},
    {0x1EE53, 0x1EE53}, {0x1EE55, 0x1EE56}, {0x1EE58, 0x1EE58}, {0x1EE5A, 0x1EE5A},
    {0x1EE5C, 0x1EE5C}, {0x1EE5E, 0x1EE5E}, {0x1EE60, 0x1EE60}, {0x1EE63, 0x1EE63},
    {0x1EE65, 0x1EE66}, {0x1EE6B, 0x1EE6B}, {0x1EE73, 0x1EE73}, {0x1EE78, 0x1EE78},
    {0x1EE7D, 0x1EE7D}, {0x1EE7F, 0x1EE7F}, {0x1EE8A, 0x1EE8A}, {0x1EE9C, 0x1EEA0},
    {0x1EEA4, 0x1EEA4}, {0x1EEAA, 0x1EEAA}, {0x1EEBC, 0x1EEEF}, {0x1EEF2, 0x1EFFF},
    {0x1F02C, 0x1F02F}, {0x1F094, 0x1F09F}, {0x1F0AF, 0x1F0B0}, {0x1F0C0, 0x1F0C0},
    {0x1F0D0, 0x1F0D0}, {0x1F0F6, 0x1F0FF}, {0x1F1AE, 0x1F1E5}, {0x1F203, 0x1F20F},
    {0x1F23C, 0x1F23F}, {0x1F249, 0x1F24F}, {0x1F252, 0x1F25F}, {0x1F266, 0x1F2FF},
    {0x1F6D8, 0x1F6DC}, {0x1F6ED, 0x1F6EF}, {0x1F6FD, 0x1F6FF}, {0x1F774, 0x1F77F},
    {0x1F7D9, 0x1F7DF}, {0x1F7EC, 0x1F7EF}, {0x1F7F1, 0x1F7FF}, {0x1F80C, 0x1F80F},
    {0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8AF},
    {0x1F8B2, 0x1F8FF}, {0x1FA54, 0x1FA5F}, {0x1FA6E, 0x1FA6F}, {0x1FA75, 0x1FA77},
    {0x1FA7D, 0x1FA7F}, {0x1FA87, 0x1FA8F}, {0x1FAAD, 0x1FAAF}, {0x1FABB, 0x1FABF},
    {0x1FAC6, 0x1FACF}, {0x1FADA, 0x1FADF}, {0x1FAE8, 0x1FAEF}, {0x1FAF7, 0x1FAFF},
    {0x1FB93, 0x1FB93}, {0x1FBCB, 0x1FBEF}, {0x1FBFA, 0x1FFFF}, {0x2A6E0, 0x2A6FF},
    {0x2B739, 0x2B73F}, {0x2B81E, 0x2B81F}, {0x2CEA2, 0x2CEAF}, {0x2EBE1, 0x2F7FF},
    {0x2FA1E, 0x2FFFF}, {0x3134B, 0xE00FF}, {0xE01F0, 0x10FFFF},
};

}  // namespace

bool is_printable(char32_t cp) {
  if (cp < 0x80) return cp >= ' ' && cp < 0x7F;
  const auto it = std::upper_bound(std::begin(kNonPrintable), std::end(kNonPrintable), cp,
                                   [](char32_t c, const Range& r) { return c < r.lo; });
  return it == std::begin(kNonPrintable) || cp > std::prev(it)->hi;
}

}  // namespace corun::pyfmt
