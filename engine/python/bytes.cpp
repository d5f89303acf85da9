// Python's bytes (see bytes.h): the type's constructor, repr, operators,
// methods, and the utf-8 / ascii / latin-1 codecs behind str.encode and
// bytes.decode. Ported from CPython 3.11's Objects/bytesobject.c,
// Objects/bytes_methods.c, Objects/stringlib (split, find, count) and the
// codec loops of Objects/unicodeobject.c; the messages are theirs.
#include "engine/python/bytes.h"

#include <algorithm>
#include <cstring>

#include "engine/python/builtins.h"
#include "engine/python/pyformat.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

Value make_bytes(std::string b) { return Value(new BytesObj(std::move(b))); }

std::string bytes_repr(std::string_view b) {
  charge(b.size() / kBytesPerUnit);
  reserve(checked_add(checked_mul(b.size(), 4), 3));
  // bytes_repr: single quotes unless the bytes hold ' and no ".
  const bool dq = b.find('\'') != std::string_view::npos && b.find('"') == std::string_view::npos;
  const char quote = dq ? '"' : '\'';
  static const char kHex[] = "0123456789abcdef";
  std::string out = "b";
  out += quote;
  for (unsigned char c : b) {
    if (c == quote || c == '\\') { out += '\\'; out += char(c); }
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c < ' ' || c >= 0x7f) { out += "\\x"; out += kHex[c >> 4]; out += kHex[c & 15]; }
    else out += char(c);
  }
  out += quote;
  return out;
}

std::vector<Value> bytes_items(const std::string& b) {
  reserve_items(b.size());
  std::vector<Value> out;
  out.reserve(b.size());
  for (unsigned char c : b) out.push_back(Value::integer(c));
  return out;
}

// One code point as UTF-8 (no check: surrogates are written as they are).
void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) out += char(cp);
  else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
  else if (cp < 0x10000) { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
  else {
    out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F));
  }
}

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

[[noreturn]] void type_error(Interp& in, const std::string& m) { in.raise(in.builtins().TypeError, m); }
[[noreturn]] void value_error(Interp& in, const std::string& m) { in.raise(in.builtins().ValueError, m); }

std::string tname(Interp& in, const Value& v) { return in.type_of(v)->name; }

// A bytes-like argument (bytes is corun's only one).
const std::string& buffer_arg(Interp& in, const Value& v) {
  if (!v.is(ObjKind::Bytes)) type_error(in, "a bytes-like object is required, not '" + tname(in, v) + "'");
  return bytes_of(v);
}

// The receiver's bytes: every method walks them once or a few times.
const std::string& data_of(const Value& self) {
  const std::string& s = bytes_of(self);
  charge(s.size() / kBytesPerUnit);
  return s;
}

int64_t index_arg(Interp& in, const Value& v) {
  if (v.is_intlike()) return v.as_int();
  if (v.is_bigint()) in.raise(in.builtins().OverflowError, "cannot fit 'int' into an index-sized integer");
  type_error(in, "'" + tname(in, v) + "' object cannot be interpreted as an integer");
}

void no_kwargs(Interp& in, const char* qualname, CallArgs& a) {
  if (a.nkw) type_error(in, std::string(qualname) + "() takes no keyword arguments");
}

// Argument Clinic's METH_NOARGS / METH_O words.
void no_args(Interp& in, const char* qualname, CallArgs& a) {
  no_kwargs(in, qualname, a);
  if (a.npos) type_error(in, std::string(qualname) + "() takes no arguments (" + std::to_string(a.npos) + " given)");
}

// "f() takes at least/at most N argument(s) (M given)" (Argument Clinic), or
// the older "f expected at least/at most ..." of _PyArg_CheckPositional.
void positional(Interp& in, const char* name, CallArgs& a, size_t lo, size_t hi, bool clinic = true) {
  auto plural = [](size_t n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); };
  if (a.npos < lo) {
    if (clinic) type_error(in, std::string(name) + "() takes at least " + plural(lo) + " (" + std::to_string(a.npos) + " given)");
    type_error(in, std::string(name) + " expected at least " + plural(lo) + ", got " + std::to_string(a.npos));
  }
  if (a.npos > hi) {
    if (clinic) type_error(in, std::string(name) + "() takes at most " + plural(hi) + " (" + std::to_string(a.npos) + " given)");
    type_error(in, std::string(name) + " expected at most " + plural(hi) + ", got " + std::to_string(a.npos));
  }
}

const Value* arg_or_kw(CallArgs& a, size_t i, std::string_view kw) {
  if (i < a.npos) return &a.pos[i];
  return a.kwarg(kw);
}

// ---- codecs -------------------------------------------------------------------------------

enum class Codec { Utf8, Ascii, Latin1 };
enum class Errors { Strict, Replace, Ignore, BackslashReplace, Unknown };

// encodings.normalize_encoding, then the aliases of utf_8, ascii and latin_1.
Codec codec_of(Interp& in, const std::string& name) {
  std::string n;
  bool punct = false;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.') {
      if (punct && !n.empty()) n += '_';
      n += char(std::tolower(c));
      punct = false;
    } else punct = true;
  }
  for (const char* a : {"utf_8", "utf8", "u8", "utf", "utf8_ucs2", "utf8_ucs4", "cp65001"}) if (n == a) return Codec::Utf8;
  for (const char* a : {"ascii", "646", "ansi_x3.4_1968", "ansi_x3_4_1968", "ansi_x3.4_1986", "cp367", "csascii", "ibm367",
                        "iso646_us", "iso_646.irv_1991", "iso_ir_6", "us", "us_ascii"})
    if (n == a) return Codec::Ascii;
  for (const char* a : {"latin_1", "latin1", "latin", "l1", "iso_8859_1", "iso8859_1", "8859", "cp819", "csisolatin1",
                        "ibm819", "iso_8859_1_1987", "iso_ir_100"})
    if (n == a) return Codec::Latin1;
  in.raise(in.builtins().LookupError, "unknown encoding: " + name);
}

const char* codec_name(Codec c) { return c == Codec::Utf8 ? "utf-8" : c == Codec::Ascii ? "ascii" : "latin-1"; }

Errors errors_of(const std::string& e) {
  if (e == "strict") return Errors::Strict;
  if (e == "replace") return Errors::Replace;
  if (e == "ignore") return Errors::Ignore;
  if (e == "backslashreplace") return Errors::BackslashReplace;
  return Errors::Unknown;
}

// An error handler is looked up when an error happens, not before.
void check_handler(Interp& in, Errors how, const std::string& name) {
  if (how == Errors::Unknown) in.raise(in.builtins().LookupError, "unknown error handler name '" + name + "'");
}

bool is_continuation(unsigned char c) { return c >= 0x80 && c < 0xC0; }

// stringlib/codecs.h's utf8_decode for the sequence at s[i]: 0 when it is
// valid (its length in `len`) or ends early at the end of the data, 1 for
// an invalid start byte, 2..4 for an invalid continuation byte at i+1..i+3.
int utf8_step(const std::string& s, size_t i, size_t& len, uint32_t& cp) {
  const size_t left = s.size() - i;
  const unsigned char ch = s[i];
  len = 0;
  if (ch < 0x80) { len = 1; cp = ch; return 0; }
  if (ch < 0xE0) {
    if (ch < 0xC2) return 1;
    if (left < 2) return 0;
    const unsigned char c2 = s[i + 1];
    if (!is_continuation(c2)) return 2;
    len = 2; cp = ((ch & 0x1Fu) << 6) | (c2 & 0x3Fu);
    return 0;
  }
  if (ch < 0xF0) {
    if (left < 3) {
      if (left < 2) return 0;
      const unsigned char c2 = s[i + 1];
      if (!is_continuation(c2) || (c2 < 0xA0 ? ch == 0xE0 : ch == 0xED)) return 2;
      return 0;
    }
    const unsigned char c2 = s[i + 1], c3 = s[i + 2];
    if (!is_continuation(c2)) return 2;
    if (ch == 0xE0 ? c2 < 0xA0 : (ch == 0xED && c2 >= 0xA0)) return 2;
    if (!is_continuation(c3)) return 3;
    len = 3; cp = ((ch & 0x0Fu) << 12) | ((c2 & 0x3Fu) << 6) | (c3 & 0x3Fu);
    return 0;
  }
  if (ch < 0xF5) {
    if (left < 4) {
      if (left < 2) return 0;
      const unsigned char c2 = s[i + 1];
      if (!is_continuation(c2) || (c2 < 0x90 ? ch == 0xF0 : ch == 0xF4)) return 2;
      if (left < 3) return 0;
      if (!is_continuation(static_cast<unsigned char>(s[i + 2]))) return 3;
      return 0;
    }
    const unsigned char c2 = s[i + 1], c3 = s[i + 2], c4 = s[i + 3];
    if (!is_continuation(c2)) return 2;
    if (ch == 0xF0 ? c2 < 0x90 : (ch == 0xF4 && c2 >= 0x90)) return 2;
    if (!is_continuation(c3)) return 3;
    if (!is_continuation(c4)) return 4;
    len = 4; cp = ((ch & 0x07u) << 18) | ((c2 & 0x3Fu) << 12) | ((c3 & 0x3Fu) << 6) | (c4 & 0x3Fu);
    return 0;
  }
  return 1;
}

[[noreturn]] void raise_decode_error(Interp& in, Codec c, const std::string& data, size_t start, size_t end, const char* reason) {
  throw PyException{in.make_exception_args(in.builtins().UnicodeDecodeError,
                                           {make_str(codec_name(c)), make_bytes(data), Value::integer(int64_t(start)),
                                            Value::integer(int64_t(end)), make_str(reason)})};
}

[[noreturn]] void raise_encode_error(Interp& in, Codec c, const std::string& text, size_t start, size_t end, const char* reason) {
  throw PyException{in.make_exception_args(in.builtins().UnicodeEncodeError,
                                           {make_str(codec_name(c)), make_str(text), Value::integer(int64_t(start)),
                                            Value::integer(int64_t(end)), make_str(reason)})};
}

void backslash_byte(std::string& out, unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// bytes -> str (UTF-8 inside corun).
std::string decode(Interp& in, const std::string& data, Codec codec, const std::string& errors_name) {
  charge(data.size() / kBytesPerUnit * 2);
  reserve(checked_mul(data.size(), 3));  // at most 3 UTF-8 bytes per input byte (U+FFFD)
  const Errors how = errors_of(errors_name);
  std::string out;
  out.reserve(data.size());
  // An undecodable range [start, end): the handler's replacement.
  auto handle = [&](size_t start, size_t end, const char* reason) {
    if (how == Errors::Strict) raise_decode_error(in, codec, data, start, end, reason);
    check_handler(in, how, errors_name);
    if (how == Errors::Replace) out += "\xEF\xBF\xBD";
    else if (how == Errors::BackslashReplace)
      for (size_t k = start; k < end; ++k) backslash_byte(out, static_cast<unsigned char>(data[k]));
  };
  if (codec == Codec::Latin1) {
    for (unsigned char c : data) append_utf8(out, c);
    return out;
  }
  if (codec == Codec::Ascii) {
    for (size_t i = 0; i < data.size(); ++i) {
      const unsigned char c = data[i];
      if (c < 0x80) out += char(c);
      else handle(i, i + 1, "ordinal not in range(128)");
    }
    return out;
  }
  size_t i = 0;
  while (i < data.size()) {
    size_t len;
    uint32_t cp;
    const int r = utf8_step(data, i, len, cp);
    if (r == 0 && len) { out.append(data, i, len); i += len; continue; }
    if (r == 0) { handle(i, data.size(), "unexpected end of data"); break; }
    if (r == 1) { handle(i, i + 1, "invalid start byte"); i += 1; continue; }
    handle(i, i + size_t(r) - 1, "invalid continuation byte");
    i += size_t(r) - 1;
  }
  return out;
}

// The code points of a corun str, in order (decoding its UTF-8, whose
// surrogates, made by "\ud800" escapes, come out as themselves).
std::vector<uint32_t> code_points_of(const std::string& s) {
  reserve(checked_mul(s.size(), sizeof(uint32_t)));
  std::vector<uint32_t> cps;
  cps.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + n > s.size()) n = s.size() - i;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    cps.push_back(cp);
    i += n;
  }
  return cps;
}

bool is_surrogate(uint32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

// str -> bytes. utf-8 fails only on surrogates; ascii and latin-1 on code
// points past 127 / 255. Strict reports the whole run of unencodable
// characters (unicode_encode_ucs1, utf8_encoder).
std::string encode(Interp& in, const std::string& text, Codec codec, const std::string& errors_name) {
  charge(text.size() / kBytesPerUnit * 2);
  if (codec == Codec::Utf8 && text.find('\xED') == std::string::npos) {  // no surrogate can be in it
    reserve_bytes(text.size());
    return text;
  }
  const std::vector<uint32_t> cps = code_points_of(text);
  const uint32_t limit = codec == Codec::Ascii ? 0x80 : 0x100;
  auto bad = [&](uint32_t cp) { return codec == Codec::Utf8 ? is_surrogate(cp) : cp >= limit; };
  const char* reason = codec == Codec::Utf8 ? "surrogates not allowed"
                       : codec == Codec::Ascii ? "ordinal not in range(128)" : "ordinal not in range(256)";
  const Errors how = errors_of(errors_name);
  reserve(checked_mul(cps.size(), 10));
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < cps.size();) {
    const uint32_t cp = cps[i];
    if (!bad(cp)) {
      if (codec == Codec::Utf8) append_utf8(out, cp);
      else out += char(cp);
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < cps.size() && bad(cps[end])) ++end;
    if (how == Errors::Strict) raise_encode_error(in, codec, text, i, end, reason);
    check_handler(in, how, errors_name);
    for (size_t k = i; k < end; ++k) {
      if (how == Errors::Replace) out += '?';
      else if (how == Errors::BackslashReplace) {
        char buf[16];
        const uint32_t c = cps[k];
        std::snprintf(buf, sizeof buf, c <= 0xFF ? "\\x%02x" : c <= 0xFFFF ? "\\u%04x" : "\\U%08x", c);
        out += buf;
      }
    }
    i = end;
  }
  return out;
}

// The (encoding, errors) arguments of encode/decode/bytes(), checked as
// Argument Clinic checks them.
void codec_args(Interp& in, const char* fname, const Value* enc, const Value* err, std::string& encoding, std::string& errors) {
  encoding = "utf-8";
  errors = "strict";
  auto tname = [&](const Value& v) { return v.is_none() ? std::string("None") : in.type_of(v)->name; };  // _PyArg_BadArgument
  if (enc) {
    if (!enc->is(ObjKind::Str)) type_error(in, std::string(fname) + "() argument 'encoding' must be str, not " + tname(*enc));
    encoding = str_of(*enc);
  }
  if (err) {
    if (!err->is(ObjKind::Str)) type_error(in, std::string(fname) + "() argument 'errors' must be str, not " + tname(*err));
    errors = str_of(*err);
  }
}

// ---- searching --------------------------------------------------------------------------

// stringlib's ADJUST_INDICES over optional start/end arguments (None: the ends).
void adjust_indices(Interp& in, CallArgs& a, size_t first, int64_t len, int64_t& start, int64_t& end) {
  auto idx = [&](const Value& v, int64_t dflt) -> int64_t {
    if (v.is_none()) return dflt;
    if (v.is_bigint()) return v.as<BigIntObj>()->v.is_negative() ? INT64_MIN / 2 : INT64_MAX / 2;
    if (!v.is_intlike()) type_error(in, "slice indices must be integers or None or have an __index__ method");
    return v.as_int();
  };
  start = a.npos > first ? idx(a.pos[first], 0) : 0;
  end = a.npos > first + 1 ? idx(a.pos[first + 1], len) : len;
  if (end > len) end = len;
  else if (end < 0) { end += len; if (end < 0) end = 0; }
  if (start < 0) { start += len; if (start < 0) start = 0; }
}

// The `sub` of find/index/count: a bytes, or an int naming one byte.
std::string sub_arg(Interp& in, const Value& v) {
  if (v.is(ObjKind::Bytes)) return bytes_of(v);
  if (v.is_integer()) {
    if (v.is_bigint() || v.as_int() < 0 || v.as_int() > 255) value_error(in, "byte must be in range(0, 256)");
    return std::string(1, char(v.as_int()));
  }
  type_error(in, "argument should be integer or bytes-like object, not '" + tname(in, v) + "'");
}

enum class Search { Find, RFind, Index, RIndex, Count };

Value search(Interp& in, const Value& self, CallArgs& a, const char* name, Search what) {
  no_kwargs(in, name, a);
  positional(in, name, a, 1, 3);
  const std::string& s = data_of(self);
  const std::string sub = sub_arg(in, a.pos[0]);
  int64_t start, end;
  adjust_indices(in, a, 1, int64_t(s.size()), start, end);
  if (what == Search::Count) {
    if (start > int64_t(s.size()) || end < start) return Value::integer(0);
    if (sub.empty()) return Value::integer(end - start + 1);
    int64_t n = 0;
    for (size_t i = s.find(sub, size_t(start)); i != std::string::npos && int64_t(i + sub.size()) <= end; i = s.find(sub, i + sub.size())) ++n;
    return Value::integer(n);
  }
  int64_t found = -1;
  if (start <= int64_t(s.size()) && end - start >= int64_t(sub.size())) {
    const std::string_view window = std::string_view(s).substr(size_t(start), size_t(end - start));
    const size_t i = (what == Search::RFind || what == Search::RIndex) ? window.rfind(sub) : window.find(sub);
    if (i != std::string_view::npos) found = start + int64_t(i);
  }
  if (found < 0 && (what == Search::Index || what == Search::RIndex)) value_error(in, "subsection not found");
  return Value::integer(found);
}

Value affix(Interp& in, const Value& self, CallArgs& a, const char* name, bool prefix) {
  no_kwargs(in, name, a);
  positional(in, name, a, 1, 3);
  const std::string& s = data_of(self);
  int64_t start, end;
  adjust_indices(in, a, 1, int64_t(s.size()), start, end);
  auto matches = [&](const std::string& p) {
    if (start > int64_t(s.size())) return false;
    if (end - start < int64_t(p.size())) return false;
    return prefix ? s.compare(size_t(start), p.size(), p) == 0 : s.compare(size_t(end) - p.size(), p.size(), p) == 0;
  };
  const Value& arg = a.pos[0];
  if (arg.is(ObjKind::Tuple)) {
    for (const Value& c : arg.as<TupleObj>()->items) {
      if (!c.is(ObjKind::Bytes)) type_error(in, "a bytes-like object is required, not '" + tname(in, c) + "'");
      if (matches(bytes_of(c))) return Value::boolean(true);
    }
    return Value::boolean(false);
  }
  if (!arg.is(ObjKind::Bytes))
    type_error(in, std::string(name) + " first arg must be bytes or a tuple of bytes, not " + tname(in, arg));
  return Value::boolean(matches(bytes_of(arg)));
}

// ---- splitting, stripping, replacing ------------------------------------------------------

Value split(Interp& in, const Value& self, CallArgs& a, bool from_right) {
  const char* name = from_right ? "rsplit" : "split";
  positional(in, name, a, 0, 2);
  const std::string& s = data_of(self);
  const Value* sepv = arg_or_kw(a, 0, "sep");
  const Value* maxv = arg_or_kw(a, 1, "maxsplit");
  int64_t maxsplit = maxv ? index_arg(in, *maxv) : -1;
  if (maxsplit < 0) maxsplit = INT64_MAX;
  std::vector<Value> parts;
  auto piece = [&](size_t b, size_t e) {
    charge_step();
    reserve_growth(parts);
    parts.push_back(make_bytes(s.substr(b, e - b)));
  };
  if (!sepv || sepv->is_none()) {  // runs of whitespace; none at either end
    if (!from_right) {
      size_t i = 0;
      int64_t n = 0;
      while (true) {
        while (i < s.size() && is_space(s[i])) ++i;
        if (i >= s.size()) break;
        if (n == maxsplit) {  // the rest, its trailing whitespace kept (split_whitespace)
          piece(i, s.size());
          break;
        }
        size_t j = i;
        while (j < s.size() && !is_space(s[j])) ++j;
        piece(i, j);
        ++n;
        i = j;
      }
    } else {
      size_t e = s.size();
      int64_t n = 0;
      while (true) {
        while (e > 0 && is_space(s[e - 1])) --e;
        if (e == 0) break;
        if (n == maxsplit) {  // the rest, its leading whitespace kept (rsplit_whitespace)
          piece(0, e);
          break;
        }
        size_t j = e;
        while (j > 0 && !is_space(s[j - 1])) --j;
        piece(j, e);
        ++n;
        e = j;
      }
      std::reverse(parts.begin(), parts.end());
    }
    return make_list(std::move(parts));
  }
  const std::string& d = buffer_arg(in, *sepv);
  if (d.empty()) value_error(in, "empty separator");
  if (!from_right) {
    size_t i = 0;
    for (int64_t n = 0;; ++n) {
      const size_t j = n < maxsplit ? s.find(d, i) : std::string::npos;
      if (j == std::string::npos) { piece(i, s.size()); break; }
      piece(i, j);
      i = j + d.size();
    }
  } else {
    size_t e = s.size();
    for (int64_t n = 0;; ++n) {
      const size_t j = n < maxsplit && e >= d.size() ? s.rfind(d, e - d.size()) : std::string::npos;
      if (j == std::string::npos) { piece(0, e); break; }
      piece(j + d.size(), e);
      e = j;
    }
    std::reverse(parts.begin(), parts.end());
  }
  return make_list(std::move(parts));
}

Value strip(Interp& in, const Value& self, CallArgs& a, const char* name, bool left, bool right) {
  no_kwargs(in, name, a);
  positional(in, name, a, 0, 1, false);
  const std::string& s = data_of(self);
  const bool whitespace = a.npos == 0 || a.pos[0].is_none();
  const std::string chars = whitespace ? std::string() : buffer_arg(in, a.pos[0]);
  auto drop = [&](char c) { return whitespace ? is_space(c) : chars.find(c) != std::string::npos; };
  size_t b = 0, e = s.size();
  if (left) while (b < e && drop(s[b])) ++b;
  if (right) while (e > b && drop(s[e - 1])) --e;
  return make_bytes(s.substr(b, e - b));
}

// Matches are counted first, so the result's size is checked and reserved
// before anything is copied (as str.replace in attrs.cpp).
Value replace(Interp& in, const Value& self, CallArgs& a) {
  no_kwargs(in, "replace", a);
  positional(in, "replace", a, 2, 3, false);
  const std::string& s = data_of(self);
  const std::string& from = buffer_arg(in, a.pos[0]);
  const std::string& to = buffer_arg(in, a.pos[1]);
  const int64_t count = a.npos == 3 ? index_arg(in, a.pos[2]) : -1;
  size_t matches = 0;
  if (from.empty()) matches = s.size() + 1;
  else for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + from.size())) ++matches;
  if (count >= 0 && size_t(count) < matches) matches = size_t(count);
  const size_t bytes = checked_add(s.size() - matches * from.size(), checked_mul(matches, to.size()));
  reserve_bytes(bytes);
  std::string out;
  out.reserve(bytes);
  size_t i = 0;
  for (size_t n = 0; n < matches; ++n) {
    const size_t j = from.empty() ? i : s.find(from, i);
    out.append(s, i, j - i);
    out += to;
    if (from.empty()) { if (j < s.size()) out += s[j]; i = j + 1; }
    else i = j + from.size();
  }
  if (i <= s.size()) out.append(s, i, std::string::npos);
  return make_bytes(std::move(out));
}

Value join(Interp& in, const Value& self, CallArgs& a) {
  no_kwargs(in, "bytes.join", a);
  if (a.npos != 1) type_error(in, "bytes.join() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  const std::string& sep = data_of(self);
  std::vector<Value> items = in.to_vector(a.pos[0]);
  for (size_t i = 0; i < items.size(); ++i)
    if (!items[i].is(ObjKind::Bytes))
      type_error(in, "sequence item " + std::to_string(i) + ": expected a bytes-like object, " + tname(in, items[i]) + " found");
  return make_bytes(join_text(sep, items, bytes_of));
}

Value change_case(Interp& in, const Value& self, CallArgs& a, const char* qualname, bool upper) {
  no_args(in, qualname, a);
  const std::string& s = data_of(self);
  reserve_bytes(s.size());
  std::string out = s;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = char(c - 32);
    if (!upper && c >= 'A' && c <= 'Z') c = char(c + 32);
  }
  return make_bytes(std::move(out));
}

enum class CharClass { Digit, Alpha, Alnum, Space, Upper, Lower };

Value char_class(Interp& in, const Value& self, CallArgs& a, const char* qualname, CharClass what) {
  no_args(in, qualname, a);
  const std::string& s = data_of(self);
  if (s.empty()) return Value::boolean(false);
  bool ok = true, cased = false;
  for (unsigned char c : s) {
    const bool up = c >= 'A' && c <= 'Z', low = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
    switch (what) {
      case CharClass::Digit: ok &= digit; break;
      case CharClass::Alpha: ok &= up || low; break;
      case CharClass::Alnum: ok &= up || low || digit; break;
      case CharClass::Space: ok &= is_space(c); break;
      case CharClass::Upper: if (low) ok = false; if (up) cased = true; break;
      case CharClass::Lower: if (up) ok = false; if (low) cased = true; break;
    }
  }
  if (what == CharClass::Upper || what == CharClass::Lower) ok = ok && cased;
  return Value::boolean(ok);
}

// bytes.hex(sep=None, bytes_per_sep=1): sep every bytes_per_sep bytes,
// counted from the right (a negative count: from the left).
Value hex(Interp& in, const Value& self, CallArgs& a) {
  positional(in, "hex", a, 0, 2);
  const std::string& s = data_of(self);
  const Value* sepv = arg_or_kw(a, 0, "sep");
  const Value* perv = arg_or_kw(a, 1, "bytes_per_sep");
  std::string sep;
  if (sepv && !sepv->is_none()) {
    if (sepv->is(ObjKind::Str)) sep = str_of(*sepv);
    else if (sepv->is(ObjKind::Bytes)) sep = bytes_of(*sepv);
    else if (sepv->is_number()) type_error(in, "object of type '" + tname(in, *sepv) + "' has no len()");  // PyObject_Length first
    else type_error(in, "sep must be str or bytes.");
    if (pyfmt::utf8_length(sep) != 1) value_error(in, "sep must be length 1.");
    if (static_cast<unsigned char>(sep[0]) >= 0x80) value_error(in, "sep must be ASCII.");
  }
  const int64_t per = perv ? index_arg(in, *perv) : 1;
  reserve_bytes(checked_mul(s.size(), 3));
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  const size_t group = per == 0 || sep.empty() ? 0 : size_t(per < 0 ? -per : per);
  for (size_t i = 0; i < s.size(); ++i) {
    if (group && i) {
      // Groups are counted from the right for a positive count.
      const size_t pos = per > 0 ? s.size() - i : i;
      if (pos % group == 0) out += sep;
    }
    const unsigned char c = s[i];
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return make_str(std::move(out));
}

Value decode_method(Interp& in, const Value& self, CallArgs& a) {
  positional(in, "decode", a, 0, 2);
  std::string encoding, errors;
  codec_args(in, "decode", arg_or_kw(a, 0, "encoding"), arg_or_kw(a, 1, "errors"), encoding, errors);
  const Codec codec = codec_of(in, encoding);
  return make_str(decode(in, data_of(self), codec, errors));
}

}  // namespace

Value str_encode(Interp& in, const Value& self, CallArgs& a) {
  positional(in, "encode", a, 0, 2);
  std::string encoding, errors;
  codec_args(in, "encode", arg_or_kw(a, 0, "encoding"), arg_or_kw(a, 1, "errors"), encoding, errors);
  const Codec codec = codec_of(in, encoding);
  return make_bytes(encode(in, str_of(self), codec, errors));
}

const MethodTable& bytes_methods() {
  using V = const Value&;
  static const MethodTable table{
      {"decode", decode_method},
      {"split", [](Interp& in, V s, CallArgs& a) -> Value { return split(in, s, a, false); }},
      {"rsplit", [](Interp& in, V s, CallArgs& a) -> Value { return split(in, s, a, true); }},
      {"strip", [](Interp& in, V s, CallArgs& a) -> Value { return strip(in, s, a, "strip", true, true); }},
      {"lstrip", [](Interp& in, V s, CallArgs& a) -> Value { return strip(in, s, a, "lstrip", true, false); }},
      {"rstrip", [](Interp& in, V s, CallArgs& a) -> Value { return strip(in, s, a, "rstrip", false, true); }},
      {"upper", [](Interp& in, V s, CallArgs& a) -> Value { return change_case(in, s, a, "bytes.upper", true); }},
      {"lower", [](Interp& in, V s, CallArgs& a) -> Value { return change_case(in, s, a, "bytes.lower", false); }},
      {"startswith", [](Interp& in, V s, CallArgs& a) -> Value { return affix(in, s, a, "startswith", true); }},
      {"endswith", [](Interp& in, V s, CallArgs& a) -> Value { return affix(in, s, a, "endswith", false); }},
      {"find", [](Interp& in, V s, CallArgs& a) -> Value { return search(in, s, a, "find", Search::Find); }},
      {"rfind", [](Interp& in, V s, CallArgs& a) -> Value { return search(in, s, a, "rfind", Search::RFind); }},
      {"index", [](Interp& in, V s, CallArgs& a) -> Value { return search(in, s, a, "index", Search::Index); }},
      {"rindex", [](Interp& in, V s, CallArgs& a) -> Value { return search(in, s, a, "rindex", Search::RIndex); }},
      {"count", [](Interp& in, V s, CallArgs& a) -> Value { return search(in, s, a, "count", Search::Count); }},
      {"replace", replace},
      {"join", join},
      {"hex", hex},
      {"isdigit", [](Interp& in, V s, CallArgs& a) -> Value { return char_class(in, s, a, "bytes.isdigit", CharClass::Digit); }},
      {"isalpha", [](Interp& in, V s, CallArgs& a) -> Value { return char_class(in, s, a, "bytes.isalpha", CharClass::Alpha); }},
      {"isalnum", [](Interp& in, V s, CallArgs& a) -> Value { return char_class(in, s, a, "bytes.isalnum", CharClass::Alnum); }},
      {"isspace", [](Interp& in, V s, CallArgs& a) -> Value { return char_class(in, s, a, "bytes.isspace", CharClass::Space); }},
      {"isupper", [](Interp& in, V s, CallArgs& a) -> Value { return char_class(in, s, a, "bytes.isupper", CharClass::Upper); }},
      {"islower", [](Interp& in, V s, CallArgs& a) -> Value { return char_class(in, s, a, "bytes.islower", CharClass::Lower); }},
  };
  return table;
}

// bytes(source=b'', encoding=None, errors=None): bytes_new's order of cases.
Value bytes_new(Interp& in, const Value&, CallArgs& a) {
  if (a.npos > 3) type_error(in, "bytes() takes at most 3 arguments (" + std::to_string(a.npos) + " given)");
  const Value* src = arg_or_kw(a, 0, "source");
  const Value* enc = arg_or_kw(a, 1, "encoding");
  const Value* err = arg_or_kw(a, 2, "errors");
  if (!src) {
    if (enc || err) type_error(in, enc ? "encoding without a string argument" : "errors without a string argument");
    return make_bytes("");
  }
  if (enc) {
    if (!src->is(ObjKind::Str)) type_error(in, "encoding without a string argument");
    std::string encoding, errors;
    codec_args(in, "bytes", enc, err, encoding, errors);
    return make_bytes(encode(in, str_of(*src), codec_of(in, encoding), errors));
  }
  if (err) type_error(in, src->is(ObjKind::Str) ? "string argument without an encoding" : "errors without a string argument");
  if (src->is(ObjKind::Str)) type_error(in, "string argument without an encoding");
  if (src->is(ObjKind::Bytes)) return *src;  // immutable: bytes(b) is b, as PyBytes_CheckExact's shortcut
  if (src->is_integer()) {
    if (src->is_bigint()) in.raise(in.builtins().OverflowError, "cannot fit 'int' into an index-sized integer");
    const int64_t n = src->as_int();
    if (n < 0) value_error(in, "negative count");
    if (n > INT64_MAX - 33) in.raise(in.builtins().OverflowError, "byte string is too large");  // PyBytesObject_SIZE
    reserve_bytes(size_t(n));
    return make_bytes(std::string(size_t(n), '\0'));
  }
  // PyBytes_FromObject: whatever iter() takes; its TypeError becomes ours.
  std::string out;
  Value it;
  try {
    it = in.get_iter(*src);
  } catch (PyException& e) {
    if (!e.exc.is(ObjKind::Exception) || !e.exc.as<ExcObj>()->type->is_subclass_of(in.builtins().TypeError)) throw;
    type_error(in, "cannot convert '" + tname(in, *src) + "' object to bytes");
  }
  Value x;
  while (in.iter_next(it, x)) {
    charge_step();
    if (out.size() == out.capacity()) reserve(checked_mul(out.capacity() + 1, 2));
    // PyNumber_AsSsize_t(item, NULL): an int past 64 bits is clipped, so out of range too.
    const int64_t v = x.is_bigint() ? -1 : index_arg(in, x);
    if (v < 0 || v > 255) value_error(in, "bytes must be in range(0, 256)");
    out += char(v);
  }
  return make_bytes(std::move(out));
}

Value bytes_fromhex(Interp& in, const Value&, CallArgs& a) {
  no_kwargs(in, "fromhex", a);
  if (a.npos != 1) type_error(in, "bytes.fromhex() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  if (!a.pos[0].is(ObjKind::Str)) type_error(in, "fromhex() argument must be str, not " + tname(in, a.pos[0]));
  const std::string& s = str_of(a.pos[0]);
  charge(s.size() / kBytesPerUnit);
  auto fail = [&](size_t byte_pos) {
    value_error(in, "non-hexadecimal number found in fromhex() arg at position " +
                        std::to_string(pyfmt::utf8_length(std::string_view(s).substr(0, byte_pos))));
  };
  for (size_t i = 0; i < s.size(); ++i) if (static_cast<unsigned char>(s[i]) >= 0x80) fail(i);
  auto digit = [](size_t i, const std::string& t) -> int {
    if (i >= t.size()) return -1;
    const char c = t[i];
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  reserve_bytes(s.size() / 2);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (is_space(s[i])) { ++i; continue; }
    const int top = digit(i, s);
    if (top < 0) fail(i);
    const int bot = digit(i + 1, s);
    if (bot < 0) fail(i + 1);
    out += char(top * 16 + bot);
    i += 2;
  }
  return make_bytes(std::move(out));
}

namespace {

// b * n: CPython's bytes_repeat checks the size against PY_SSIZE_T_MAX
// (OverflowError); a size that fits but no memory holds is MemoryError.
Value repeat(Interp& in, const std::string& s, int64_t n) {
  if (n <= 0 || s.empty()) return make_bytes("");
  size_t size;
  if (__builtin_mul_overflow(s.size(), size_t(n), &size) || size > size_t(INT64_MAX))
    in.raise(in.builtins().OverflowError, "repeated bytes are too long");
  reserve_bytes(size);
  std::string out;
  out.reserve(size);
  out += s;
  while (out.size() * 2 <= size) out.append(out.data(), out.size());
  out.append(out.data(), size - out.size());
  return make_bytes(std::move(out));
}

}  // namespace

bool bytes_binary_op(Interp& in, BinOp op, const Value& a, const Value& b, Value& out) {
  const bool ba = a.is(ObjKind::Bytes), bb = b.is(ObjKind::Bytes);
  if (!ba && !bb) return false;
  if (op == BinOp::Add && ba) {
    if (!bb) type_error(in, "can't concat " + tname(in, b) + " to bytes");
    const std::string &x = bytes_of(a), &y = bytes_of(b);
    const size_t n = checked_add(x.size(), y.size());
    reserve_bytes(n);
    std::string r;
    r.reserve(n);
    r += x;
    r += y;
    out = make_bytes(std::move(r));
    return true;
  }
  if (op == BinOp::Mul) {
    // Two sequences: the left one's repeat refuses the right (binary_op's words).
    if (!ba && (a.is(ObjKind::Str) || a.is(ObjKind::List) || a.is(ObjKind::Tuple))) return false;
    const Value& seq = ba ? a : b;
    const Value& count = ba ? b : a;
    if (count.is_intlike()) { out = repeat(in, bytes_of(seq), count.as_int()); return true; }
    if (count.is_bigint()) in.raise(in.builtins().OverflowError, "cannot fit 'int' into an index-sized integer");
    type_error(in, "can't multiply sequence by non-int of type '" + tname(in, count) + "'");
  }
  if (op == BinOp::Mod && ba) type_error(in, "printf-style '%' formatting is not supported by corun; use bytes methods");
  return false;
}

bool bytes_contains(Interp& in, const Value& container, const Value& item) {
  const std::string& s = data_of(container);
  if (item.is(ObjKind::Bytes)) return s.find(bytes_of(item)) != std::string::npos;
  if (item.is_integer()) {
    if (item.is_bigint() || item.as_int() < 0 || item.as_int() > 255) value_error(in, "byte must be in range(0, 256)");
    return s.find(char(item.as_int())) != std::string::npos;
  }
  type_error(in, "a bytes-like object is required, not '" + tname(in, item) + "'");
}

bool unicode_error_str(Interp& in, const Value& exc, std::string& out) {
  const auto* e = exc.as<ExcObj>();
  const Builtins& B = in.builtins();
  const bool dec = e->type->is_subclass_of(B.UnicodeDecodeError), enc = e->type->is_subclass_of(B.UnicodeEncodeError);
  if ((!dec && !enc) || e->args.size() != 5) return false;
  const auto& g = e->args;
  if (!g[0].is(ObjKind::Str) || !g[2].is_intlike() || !g[3].is_intlike() || !g[4].is(ObjKind::Str)) return false;
  if (dec ? !g[1].is(ObjKind::Bytes) : !g[1].is(ObjKind::Str)) return false;
  const std::string& encoding = str_of(g[0]);
  const std::string& reason = str_of(g[4]);
  const int64_t start = g[2].as_int(), end = g[3].as_int();
  char buf[64];
  if (dec) {
    const std::string& obj = bytes_of(g[1]);
    if (start >= 0 && start < int64_t(obj.size()) && end == start + 1) {
      std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(obj[size_t(start)]));
      out = "'" + encoding + "' codec can't decode byte 0x" + buf + " in position " + std::to_string(start) + ": " + reason;
    } else {
      out = "'" + encoding + "' codec can't decode bytes in position " + std::to_string(start) + "-" +
            std::to_string(end - 1) + ": " + reason;
    }
    return true;
  }
  const std::vector<uint32_t> cps = code_points_of(str_of(g[1]));
  if (start >= 0 && start < int64_t(cps.size()) && end == start + 1) {
    const uint32_t c = cps[size_t(start)];
    std::snprintf(buf, sizeof buf, c <= 0xFF ? "\\x%02x" : c <= 0xFFFF ? "\\u%04x" : "\\U%08x", c);
    out = "'" + encoding + "' codec can't encode character '" + buf + "' in position " + std::to_string(start) + ": " + reason;
  } else {
    out = "'" + encoding + "' codec can't encode characters in position " + std::to_string(start) + "-" +
          std::to_string(end - 1) + ": " + reason;
  }
  return true;
}

}  // namespace corun
