// See printf_format.h. The parse is unicode_format_arg_parse's: `%`, an
// optional `(key)`, the flags `-+ #0`, a width and a precision (`*` takes
// either from the arguments), the ignored length modifiers `hlL`, then the
// conversion. Each conversion is rendered as unicode_format_arg_format and
// padded as unicode_format_arg_output does: right-aligned in the width
// unless `-`, zero-filled after the sign and prefix for numbers under `0`.
//
// Numbers: `%d %i %u` take an int or a float (truncated, as int() does);
// `%x %X %o` an int only; `%e %E %f %F %g %G` an int or a float. Instances
// defining __int__/__index__/__float__ are not converted (a TypeError, as
// for a value without them).
#include "engine/python/printf_format.h"

#include <cmath>

#include "engine/python/builtins.h"
#include "engine/python/bytes.h"
#include "engine/python/pyformat.h"
#include "engine/vm/native_cost.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

struct Conversion {
  bool ljust = false, sign = false, blank = false, alt = false, zero = false;
  int64_t width = -1, prec = -1;
  char ch = 0;
};

struct Formatter {
  Interp& in;
  const std::string& fmt;
  Value args;                                  // after a %(key), the value it names
  const std::vector<Value>* tuple = nullptr;  // args as a tuple
  Value dict;                                  // args as a mapping, for %(key); None if not one
  int64_t arglen = -1, argidx = -2;            // as CPython's: -1/-2 for a single value
  size_t pos = 0;
  std::string out;

  [[noreturn]] void type_error(const std::string& m) { in.raise(in.builtins().TypeError, m); }
  [[noreturn]] void value_error(const std::string& m) { in.raise(in.builtins().ValueError, m); }

  Value next_arg() {  // unicode_format_getnextarg
    if (argidx < arglen) {
      int64_t i = argidx++;
      return arglen < 0 ? args : (*tuple)[size_t(i)];
    }
    type_error("not enough arguments for format string");
  }

  int64_t star_arg() {  // `*` as width or precision
    Value v = next_arg();
    if (!v.is_intlike()) type_error("* wants int");
    return v.as_int();
  }

  int64_t number() {  // digits of a width or precision
    int64_t n = 0;
    while (pos < fmt.size() && fmt[pos] >= '0' && fmt[pos] <= '9') {
      if (n > (INT64_MAX - 9) / 10) value_error("width too big");
      n = n * 10 + (fmt[pos++] - '0');
    }
    return n;
  }

  // %(key): the key's text, nested parentheses counted; the value it names
  // becomes the one argument the conversion takes, as in CPython.
  void keyed_arg() {
    size_t start = ++pos, depth = 1;
    while (pos < fmt.size() && depth) {
      if (fmt[pos] == '(') ++depth;
      else if (fmt[pos] == ')') --depth;
      ++pos;
    }
    if (depth) value_error("incomplete format key");
    if (dict.is_none()) type_error("format requires a mapping");
    Value key = make_str(fmt.substr(start, pos - 1 - start));
    args = in.subscript(dict, key);
    arglen = -1;
    argidx = -2;
  }

  // The width, the sign and the prefix around a number's digits (or a
  // float's text): unicode_format_arg_output.
  void emit_number(const Conversion& c, bool negative, const std::string& prefix, const std::string& body) {
    std::string sign = negative ? "-" : c.sign ? "+" : c.blank ? " " : "";
    size_t len = sign.size() + prefix.size() + body.size();
    size_t pad = c.width > int64_t(len) ? size_t(c.width) - len : 0;
    charge(pad / kBytesPerUnit);
    if (c.ljust) {
      out += sign + prefix + body;
      out.append(pad, ' ');
    } else if (c.zero) {
      out += sign + prefix;
      out.append(pad, '0');
      out += body;
    } else {
      out.append(pad, ' ');
      out += sign + prefix + body;
    }
  }

  void emit_text(const Conversion& c, const std::string& text) {
    std::string spec = std::string(c.ljust ? "<" : ">") + (c.width > 0 ? std::to_string(c.width) : "") +
                       (c.prec >= 0 ? "." + std::to_string(c.prec) : "");
    charge(size_t(std::max<int64_t>(c.width, 0)) / kBytesPerUnit);
    out += pyfmt::format_str(text, spec);
  }

  void integer(const Conversion& c, const Value& v) {
    Value n = v;
    const bool decimal = c.ch == 'd' || c.ch == 'i' || c.ch == 'u';
    if (v.is_float() && decimal) {
      double x = v.as_float();
      if (std::isinf(x)) in.raise(in.builtins().OverflowError, "cannot convert float infinity to integer");
      if (std::isnan(x)) value_error("cannot convert float NaN to integer");
      std::string digits = pyfmt::format_float(std::trunc(x), ".0f");
      bool negative = digits[0] == '-';
      std::string body = negative ? digits.substr(1) : digits;
      if (body == "0") negative = false;
      if (c.prec > int64_t(body.size())) body.insert(0, size_t(c.prec) - body.size(), '0');
      emit_number(c, negative, "", body);
      return;
    }
    if (!v.is_integer()) {
      if (decimal) type_error(std::string("%") + c.ch + " format: a real number is required, not " + in.type_of(v)->name);
      type_error(std::string("%") + c.ch + " format: an integer is required, not " + in.type_of(v)->name);
    }
    if (v.is_bool()) n = Value::integer(v.as_int());
    std::string digits = in.format(n, decimal ? "d" : std::string(1, c.ch));
    bool negative = digits[0] == '-';
    std::string body = negative ? digits.substr(1) : digits;
    if (c.prec > int64_t(body.size())) {
      charge(size_t(c.prec) / kBytesPerUnit);
      body.insert(0, size_t(c.prec) - body.size(), '0');
    }
    std::string prefix = !c.alt || decimal ? "" : c.ch == 'o' ? "0o" : c.ch == 'x' ? "0x" : "0X";
    emit_number(c, negative, prefix, body);
  }

  void floating(const Conversion& c, const Value& v) {
    double x;
    if (v.is_float()) x = v.as_float();
    else if (v.is_intlike()) x = double(v.as_int());
    else if (v.is_bigint()) x = v.as_double();
    else type_error("must be real number, not " + in.type_of(v)->name);
    std::string spec = std::string(c.alt ? "#" : "") + "." + std::to_string(c.prec < 0 ? 6 : c.prec) + c.ch;
    std::string text = pyfmt::format_float(std::fabs(x), spec);
    emit_number(c, std::signbit(x) && !std::isnan(x), "", text);
  }

  void character(const Conversion& c, const Value& v) {
    std::string text;
    if (v.is_intlike() || v.is_bigint()) {
      if (!v.is_intlike() || v.as_int() < 0 || v.as_int() > 0x10FFFF)
        in.raise(in.builtins().OverflowError, "%c arg not in range(0x110000)");
      append_utf8(text, uint32_t(v.as_int()));
    } else if (v.is(ObjKind::Str) && pyfmt::utf8_length(str_of(v)) == 1) {
      text = str_of(v);
    } else {
      type_error("%c requires int or char");
    }
    Conversion plain = c;
    plain.prec = -1;
    emit_text(plain, text);
  }

  void conversion() {
    ++pos;  // the '%'
    if (pos < fmt.size() && fmt[pos] == '(') keyed_arg();
    Conversion c;
    for (; pos < fmt.size(); ++pos) {
      char f = fmt[pos];
      if (f == '-') c.ljust = true;
      else if (f == '+') c.sign = true;
      else if (f == ' ') c.blank = true;
      else if (f == '#') c.alt = true;
      else if (f == '0') c.zero = true;
      else break;
    }
    if (pos < fmt.size() && fmt[pos] == '*') {
      ++pos;
      c.width = star_arg();
      if (c.width < 0) {
        c.ljust = true;
        c.width = -c.width;
      }
    } else if (pos < fmt.size() && fmt[pos] >= '0' && fmt[pos] <= '9') {
      c.width = number();
    }
    if (pos < fmt.size() && fmt[pos] == '.') {
      ++pos;
      if (pos < fmt.size() && fmt[pos] == '*') {
        ++pos;
        c.prec = std::max<int64_t>(star_arg(), 0);
      } else {
        c.prec = number();
      }
    }
    while (pos < fmt.size() && (fmt[pos] == 'h' || fmt[pos] == 'l' || fmt[pos] == 'L')) ++pos;
    if (pos >= fmt.size()) value_error("incomplete format");
    c.ch = fmt[pos++];
    if (c.ch == '%') {
      out += '%';
      return;
    }
    Value v = next_arg();
    switch (c.ch) {
      case 's': emit_text(c, in.str(v)); return;
      case 'r': emit_text(c, in.repr(v)); return;
      case 'a': emit_text(c, ascii_of(in, v)); return;
      case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': integer(c, v); return;
      case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': floating(c, v); return;
      case 'c': character(c, v); return;
      default: break;
    }
    // The character at fault ('?' unless printable ASCII), by code point,
    // and its index in code points.
    size_t at = pos - 1, i = at;
    uint32_t cp = take_code_point(fmt, i);
    pos = i;
    char hex[16];
    std::snprintf(hex, sizeof hex, "%x", cp);
    char shown = cp >= 31 && cp <= 126 ? char(cp) : '?';
    value_error(std::string("unsupported format character '") + shown + "' (0x" + hex + ") at index " +
                std::to_string(pyfmt::utf8_length(std::string_view(fmt).substr(0, at))));
  }

  Value run() {
    if (args.is(ObjKind::Tuple)) {
      tuple = &args.as<TupleObj>()->items;
      arglen = int64_t(tuple->size());
      argidx = 0;
    }
    // PyMapping_Check (a type with mp_subscript) and not a tuple or a str:
    // %(key) looks up in it, and arguments left over are no error.
    const bool subscriptable = args.is(ObjKind::Dict) || args.is(ObjKind::List) || args.is(ObjKind::Bytes) ||
                               args.is(ObjKind::Range) ||
                               (args.is(ObjKind::Instance) && args.as<InstanceObj>()->type->find_attr("__getitem__"));
    if (subscriptable) dict = args;
    while (pos < fmt.size()) {
      size_t next = fmt.find('%', pos);
      if (next == std::string::npos) next = fmt.size();
      out.append(fmt, pos, next - pos);
      pos = next;
      if (pos < fmt.size()) conversion();
      charge_step();
    }
    if (argidx < arglen && dict.is_none()) type_error("not all arguments converted during string formatting");
    return make_str(std::move(out));
  }
};

}  // namespace

Value printf_format(Interp& in, const std::string& format, const Value& args) {
  Formatter f{in, format, args};
  return f.run();
}

}  // namespace corun
