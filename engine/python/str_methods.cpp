// The native methods of str, as Objects/unicodeobject.c defines them: the
// table str_methods() and their handlers. Indices are code points; the
// text is UTF-8, so a method that takes or returns positions (find, count,
// the start/end of a slice) converts.
#include "engine/python/str_methods.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>

#include "engine/python/builtins.h"
#include "engine/python/bytes.h"
#include "engine/python/method_args.h"
#include "engine/python/pyformat.h"
#include "engine/python/str_format.h"
#include "engine/python/unicode_classes.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

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
  for (size_t i = 0; i < items.size(); ++i)
    if (!items[i].is(ObjKind::Str))
      in.raise(in.builtins().TypeError, "sequence item " + std::to_string(i) + ": expected str instance, " + in.type_of(items[i])->name + " found");
  return make_str(join_text(sep, items, str_of));
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

// ---- str -------------------------------------------------------------------------------

// The receiver's text. Every str method walks the whole string a few times
// at most (split, count and replace also charge what they build).
const std::string& text_of(const Value& self) {
  const std::string& s = str_of(self);
  charge(s.size() / kBytesPerUnit);
  return s;
}

// ---- argument checks of the methods below, with CPython's messages ----

void no_kwargs(Interp& in, std::string_view qualname, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, std::string(qualname) + "() takes no keyword arguments");
}

// METH_NOARGS: "str.swapcase() takes no arguments (1 given)".
void no_args(Interp& in, std::string_view qualname, CallArgs& a) {
  no_kwargs(in, qualname, a);
  if (a.npos) in.raise(in.builtins().TypeError, std::string(qualname) + "() takes no arguments (" + std::to_string(a.npos) + " given)");
}

// METH_O: "str.partition() takes exactly one argument (0 given)".
const Value& one_arg(Interp& in, std::string_view qualname, CallArgs& a) {
  no_kwargs(in, qualname, a);
  if (a.npos != 1)
    in.raise(in.builtins().TypeError, std::string(qualname) + "() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  return a.pos[0];
}

// Argument Clinic's _PyArg_UnpackKeywords for parameters that are all
// optional and positional-or-keyword (split, rsplit, splitlines,
// expandtabs): out[i] is the argument for names[i], or null.
void unpack_keywords(Interp& in, const char* fname, CallArgs& a, std::initializer_list<const char*> names, const Value** out) {
  const size_t maxargs = names.size();
  const std::string f = std::string(fname) + "()";
  auto plural = [](size_t n) { return n == 1 ? "" : "s"; };
  if (a.npos + a.nkw > maxargs)
    in.raise(in.builtins().TypeError, f + " takes at most " + std::to_string(maxargs) + " " + (a.npos == 0 ? "keyword " : "") +
                                          "argument" + plural(maxargs) + " (" + std::to_string(a.npos + a.nkw) + " given)");
  size_t i = 0, left = a.nkw;
  for (const char* name : names) {
    out[i] = i < a.npos ? &a.pos[i] : nullptr;
    if (i >= a.npos && left) {
      out[i] = a.kwarg(name);
      if (out[i]) --left;
    }
    ++i;
  }
  if (!left) return;
  i = 0;
  for (const char* name : names) {
    if (i < a.npos && a.kwarg(name))
      in.raise(in.builtins().TypeError, "argument for " + f + " given by name ('" + name + "') and position (" + std::to_string(i + 1) + ")");
    ++i;
  }
  for (size_t k = 0; k < a.nkw; ++k) {
    bool known = false;
    for (const char* name : names) known |= a.kwnames[k] == name;
    if (!known) in.raise(in.builtins().TypeError, "'" + a.kwnames[k] + "' is an invalid keyword argument for " + f);
  }
}

// A C int argument (_PyLong_AsInt): splitlines(keepends), expandtabs(tabsize).
int int_arg(Interp& in, const Value& v) {
  if (v.is_bigint() || (v.is_intlike() && (v.as_int() > INT32_MAX || v.as_int() < INT32_MIN)))
    in.raise(in.builtins().OverflowError, "Python int too large to convert to C int");
  if (v.is_intlike()) return int(v.as_int());
  in.raise(in.builtins().TypeError, "'" + in.type_of(v)->name + "' object cannot be interpreted as an integer");
}

// _PyEval_SliceIndex: None, or an int (one past 64 bits clamps).
int64_t slice_index(Interp& in, const Value* v, int64_t dflt) {
  if (!v || v->is_none()) return dflt;
  if (v->is_intlike()) return v->as_int();
  if (v->is_bigint()) return v->as<BigIntObj>()->v.is_negative() ? INT64_MIN : INT64_MAX;
  in.raise(in.builtins().TypeError, "slice indices must be integers or None or have an __index__ method");
}

// The byte offset of code point `cp` in s (s.size() past the end).
size_t byte_at(const std::string& s, int64_t cp) {
  size_t i = 0;
  for (; i < s.size() && cp > 0; --cp) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}


Value str_case(Interp& in, const Value& self, CallArgs& a, const char* name, bool upper) {
  const std::string& s = text_of(self);
  no_args(in, std::string("str.") + name, a);
  reserve_bytes(s.size());
  std::string out = s;
  for (auto& c : out) c = char(upper ? std::toupper((unsigned char)c) : std::tolower((unsigned char)c));
  return make_str(out);
}

Value str_strip(Interp& in, const Value& self, CallArgs& a, bool left, bool right) {
  const std::string& s = text_of(self);
  if (a.npos && !a.pos[0].is_none() && !a.pos[0].is(ObjKind::Str))
    in.raise(in.builtins().TypeError, std::string(left && right ? "strip" : left ? "lstrip" : "rstrip") + " arg must be None or str");
  std::string chars = a.npos && !a.pos[0].is_none() ? str_of(a.pos[0]) : std::string();
  auto strip_char = [&](char c) { return chars.empty() ? is_space(c) : chars.find(c) != std::string::npos; };
  size_t b = 0, e = s.size();
  if (left) while (b < e && strip_char(s[b])) ++b;
  if (right) while (e > b && strip_char(s[e - 1])) --e;
  return make_str(s.substr(b, e - b));
}

Value str_affix(Interp& in, const Value& self, CallArgs& a, std::string_view name, bool prefix) {
  const std::string& s = text_of(self);
  nargs(in, name, a, 1, 1);
  std::vector<Value> cands = a.pos[0].is(ObjKind::Tuple) ? a.pos[0].as<TupleObj>()->items : std::vector<Value>{a.pos[0]};
  for (auto& c : cands) {
    if (!c.is(ObjKind::Str)) in.raise(in.builtins().TypeError, std::string(name) + " first arg must be str or a tuple of str, not " + in.type_of(c)->name);
    const std::string& p = str_of(c);
    if (p.size() <= s.size() && (prefix ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0))
      return Value::boolean(true);
  }
  return Value::boolean(false);
}

Value str_replace(Interp& in, const Value& self, CallArgs& a) {
  const std::string& s = text_of(self);
  no_kwargs(in, "str.replace", a);
  if (a.npos < 2 || a.npos > 3)  // _PyArg_CheckPositional
    in.raise(in.builtins().TypeError, std::string("replace expected ") + (a.npos < 2 ? "at least 2" : "at most 3") +
                                          " arguments, got " + std::to_string(a.npos));
  for (size_t i = 0; i < 2; ++i)
    if (!a.pos[i].is(ObjKind::Str))
      in.raise(in.builtins().TypeError, "replace() argument " + std::to_string(i + 1) + " must be str, not " + in.type_of(a.pos[i])->name);
  const std::string& from = str_of(a.pos[0]);
  const std::string& to = str_of(a.pos[1]);
  int64_t count = a.npos == 3 ? ssize_arg(in, a.pos[2]) : -1;
  return replace(s, from, to, count);
}

// The letters of non-ASCII text (é, ß, Σ) need Unicode's case tables, which
// corun does not have: a method that would need them says so rather than
// answer as if the letter were not one.
void ascii_only(Interp& in, const std::string& s, const char* qualname) {
  for (unsigned char c : s)
    if (c >= 0x80) in.raise(in.builtins().NotImplementedError, std::string("corun does not support ") + qualname + "() of non-ASCII text");
}

enum class Search { Find, RFind, Count, Index, RIndex };

// find/rfind/index/rindex/count(sub[, start[, end]]), as
// parse_args_finds_unicode takes them (METH_VARARGS): the slice indices
// are converted before sub is checked, and adjusted as ADJUST_INDICES
// does (negative from the end, clamped).
Value str_search(Interp& in, const Value& self, CallArgs& a, const char* name, Search what) {
  const std::string& s = text_of(self);
  no_kwargs(in, std::string("str.") + name, a);
  if (a.npos < 1) in.raise(in.builtins().TypeError, std::string(name) + "() takes at least 1 argument (0 given)");
  if (a.npos > 3) in.raise(in.builtins().TypeError, std::string(name) + "() takes at most 3 arguments (" + std::to_string(a.npos) + " given)");
  int64_t start = slice_index(in, a.npos > 1 ? &a.pos[1] : nullptr, 0);
  int64_t end = slice_index(in, a.npos > 2 ? &a.pos[2] : nullptr, INT64_MAX);
  if (!a.pos[0].is(ObjKind::Str)) in.raise(in.builtins().TypeError, "must be str, not " + in.type_of(a.pos[0])->name);
  const std::string& sub = str_of(a.pos[0]);
  const int64_t len = int64_t(pyfmt::utf8_length(s));
  if (end > len) end = len;
  else if (end < 0) { end += len; if (end < 0) end = 0; }
  if (start < 0) { start += len; if (start < 0) start = 0; }
  const int64_t sub_len = int64_t(pyfmt::utf8_length(sub));
  auto not_found = [&]() -> Value {
    if (what == Search::Index || what == Search::RIndex) in.raise(in.builtins().ValueError, "substring not found");
    return Value::integer(what == Search::Count ? 0 : -1);
  };
  if (end - start < sub_len) return not_found();
  const size_t b = byte_at(s, start), e = b + byte_at(s.substr(b), end - start);
  const std::string_view hay = std::string_view(s).substr(b, e - b);
  if (what == Search::Count) {
    if (sub.empty()) return Value::integer(end - start + 1);
    int64_t n = 0;
    for (size_t i = hay.find(sub); i != std::string::npos; i = hay.find(sub, i + sub.size())) ++n;
    return Value::integer(n);
  }
  const bool reverse = what == Search::RFind || what == Search::RIndex;
  const size_t i = reverse ? hay.rfind(sub) : hay.find(sub);
  if (i == std::string::npos) return not_found();
  return Value::integer(start + int64_t(pyfmt::utf8_length(hay.substr(0, i))));
}

// partition / rpartition(sep): a 3-tuple; the string and two empty ones
// when sep is absent (on the right for partition, the left for rpartition).
Value str_partition(Interp& in, const Value& self, CallArgs& a, bool right) {
  const std::string& s = text_of(self);
  const Value& sepv = one_arg(in, right ? "str.rpartition" : "str.partition", a);
  if (!sepv.is(ObjKind::Str)) in.raise(in.builtins().TypeError, "must be str, not " + in.type_of(sepv)->name);
  const std::string& sep = str_of(sepv);
  if (sep.empty()) in.raise(in.builtins().ValueError, "empty separator");
  const size_t i = right ? s.rfind(sep) : s.find(sep);
  if (i == std::string::npos)
    return right ? make_tuple({make_str(""), make_str(""), self}) : make_tuple({self, make_str(""), make_str("")});
  return make_tuple({make_str(s.substr(0, i)), sepv, make_str(s.substr(i + sep.size()))});
}

Value str_removeaffix(Interp& in, const Value& self, CallArgs& a, bool prefix) {
  const std::string& s = text_of(self);
  const char* name = prefix ? "removeprefix" : "removesuffix";
  const Value& v = one_arg(in, std::string("str.") + name, a);
  if (!v.is(ObjKind::Str)) in.raise(in.builtins().TypeError, std::string(name) + "() argument must be str, not " + in.type_of(v)->name);
  const std::string& p = str_of(v);
  if (p.size() > s.size()) return self;
  if (prefix && s.compare(0, p.size(), p) == 0) return make_str(s.substr(p.size()));
  if (!prefix && s.compare(s.size() - p.size(), p.size(), p) == 0) return make_str(s.substr(0, s.size() - p.size()));
  return self;
}

// The line boundaries of str.splitlines (Py_UNICODE_ISLINEBREAK): the
// byte length of the boundary at s[i], 0 when there is none.
size_t line_break_at(const std::string& s, size_t i) {
  const unsigned char c = s[i];
  if (c == '\r') return i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
  if (c == '\n' || c == '\v' || c == '\f' || c == 0x1C || c == 0x1D || c == 0x1E) return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) return 2;  // U+0085
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9))
    return 3;  // U+2028, U+2029
  return 0;
}

Value str_splitlines(Interp& in, const Value& self, CallArgs& a) {
  const std::string& s = text_of(self);
  const Value* args[1];
  unpack_keywords(in, "splitlines", a, {"keepends"}, args);
  const bool keepends = args[0] ? int_arg(in, *args[0]) != 0 : false;
  std::vector<Value> lines;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i, brk = 0;
    while (j < s.size() && !(brk = line_break_at(s, j))) ++j;
    charge_step();
    lines.push_back(make_str(s.substr(i, j - i + (keepends ? brk : 0))));
    i = j + brk;
  }
  return make_list(std::move(lines));
}

// expandtabs(tabsize=8): each tab to spaces up to the next multiple of
// tabsize (none when tabsize <= 0), the column reset by \n and \r.
Value str_expandtabs(Interp& in, const Value& self, CallArgs& a) {
  const std::string& s = text_of(self);
  const Value* args[1];
  unpack_keywords(in, "expandtabs", a, {"tabsize"}, args);
  const int64_t tabsize = args[0] ? int_arg(in, *args[0]) : 8;
  std::string out;
  int64_t col = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\t') {
      if (tabsize > 0) {
        const int64_t n = tabsize - col % tabsize;
        reserve_bytes(checked_add(out.size(), size_t(n)));
        out.append(size_t(n), ' ');
        col += n;
      }
      continue;
    }
    out += c;
    if (c == '\n' || c == '\r') col = 0;
    else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++col;  // a code point begins
  }
  return make_str(std::move(out));
}

// swapcase and casefold, over ASCII letters (a non-ASCII letter is left as
// it is: see docs/language.md).
Value str_swapcase(Interp& in, const Value& self, CallArgs& a, bool fold) {
  const std::string& s = text_of(self);
  no_args(in, fold ? "str.casefold" : "str.swapcase", a);
  ascii_only(in, s, fold ? "str.casefold" : "str.swapcase");
  reserve_bytes(s.size());
  std::string out = s;
  for (auto& c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (fold) c = char(std::tolower(u));
    else if (std::islower(u)) c = char(std::toupper(u));
    else if (std::isupper(u)) c = char(std::tolower(u));
  }
  return make_str(std::move(out));
}

enum class Pred { Alnum, Ascii, Decimal, Numeric, Title, Identifier, Printable };

// The str.isX() predicates added with str.format. isdecimal and isnumeric
// use the Unicode 14.0 tables (unicode_classes.cpp); isalnum, istitle and
// isidentifier see ASCII letters only (a non-ASCII letter is not one).
Value str_pred(Interp& in, const Value& self, CallArgs& a, const char* qualname, Pred what) {
  const std::string& s = text_of(self);
  no_args(in, qualname, a);
  if (what == Pred::Title || what == Pred::Identifier) ascii_only(in, s, qualname);
  switch (what) {
    case Pred::Ascii:
      for (unsigned char c : s) if (c >= 0x80) return Value::boolean(false);
      return Value::boolean(true);
    case Pred::Printable:
      for (size_t i = 0; i < s.size();) if (!pyfmt::is_printable(take_code_point(s, i))) return Value::boolean(false);
      return Value::boolean(true);
    case Pred::Title: {
      // istitle: cased characters only after uncased ones are upper, after cased ones lower; at least one cased.
      bool cased = false, previous_cased = false;
      for (unsigned char c : s) {
        if (std::isupper(c)) {
          if (previous_cased) return Value::boolean(false);
          previous_cased = cased = true;
        } else if (std::islower(c)) {
          if (!previous_cased) return Value::boolean(false);
          previous_cased = cased = true;
        } else {
          previous_cased = false;
        }
      }
      return Value::boolean(cased);
    }
    case Pred::Identifier: {
      if (s.empty()) return Value::boolean(false);
      const unsigned char first = static_cast<unsigned char>(s[0]);
      if (!(std::isalpha(first) || first == '_')) return Value::boolean(false);
      for (unsigned char c : s) if (!(std::isalnum(c) || c == '_')) return Value::boolean(false);
      return Value::boolean(true);
    }
    default: break;
  }
  if (s.empty()) return Value::boolean(false);
  for (size_t i = 0; i < s.size();) {
    const uint32_t cp = take_code_point(s, i);
    bool ok = false;
    if (what == Pred::Alnum) {
      ok = cp < 0x80 ? bool(std::isalnum(int(cp))) : unicode_isnumeric(cp);
      if (!ok && cp >= 0x80) ascii_only(in, s, qualname);  // a letter or not: unknown
    }
    else if (what == Pred::Decimal) ok = unicode_decimal(cp) >= 0;
    else ok = unicode_isnumeric(cp);
    if (!ok) return Value::boolean(false);
  }
  return Value::boolean(true);
}

// The byte length of the whitespace character (str.isspace: Unicode's, as
// Py_UNICODE_ISSPACE) beginning at s[i], or ending just before s[j]; 0 if
// it is not one.
size_t space_at(const std::string& s, size_t i) {
  if (i >= s.size()) return 0;
  size_t k = i;
  const uint32_t cp = take_code_point(s, k);
  return unicode_isspace(cp) ? k - i : 0;
}
size_t space_before(const std::string& s, size_t j) {
  if (j == 0) return 0;
  size_t i = j - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return space_at(s, i) == j - i ? j - i : 0;
}

// split / rsplit(sep=None, maxsplit=-1), as CPython's split and rsplit
// (Objects/stringlib/split.h): on runs of whitespace when sep is None (the
// unsplit rest keeps its whitespace on the far side), else on sep exactly;
// rsplit counts maxsplit from the right.
Value str_split(Interp& in, const Value& self, CallArgs& a, bool right) {
  const std::string& s = text_of(self);
  const Value* args[2];
  unpack_keywords(in, right ? "rsplit" : "split", a, {"sep", "maxsplit"}, args);
  const Value* sep = args[0];
  int64_t maxsplit = args[1] ? ssize_arg(in, *args[1]) : -1;
  if (maxsplit < 0) maxsplit = INT64_MAX;
  std::vector<Value> parts;
  if (!sep || sep->is_none()) {
    if (!right) {
      size_t i = 0;
      while (true) {
        while (size_t n = space_at(s, i)) i += n;
        if (i >= s.size()) break;
        if (int64_t(parts.size()) == maxsplit) {
          // The rest, its trailing whitespace kept: 'a b  '.split(None, 1) is ['a', 'b  '].
          parts.push_back(make_str(s.substr(i)));
          break;
        }
        size_t j = i;
        while (j < s.size() && !space_at(s, j)) ++j;
        charge_step();  // a string object per part
        parts.push_back(make_str(s.substr(i, j - i)));
        i = j;
      }
    } else {
      size_t j = s.size();
      while (true) {
        while (size_t n = space_before(s, j)) j -= n;
        if (j == 0) break;
        if (int64_t(parts.size()) == maxsplit) {
          parts.push_back(make_str(s.substr(0, j)));
          break;
        }
        size_t i = j;
        while (i > 0 && !space_before(s, i)) --i;
        charge_step();
        parts.push_back(make_str(s.substr(i, j - i)));
        j = i;
      }
      std::reverse(parts.begin(), parts.end());
    }
    return make_list(std::move(parts));
  }
  if (!sep->is(ObjKind::Str)) in.raise(in.builtins().TypeError, "must be str or None, not " + in.type_of(*sep)->name);
  const std::string& d = str_of(*sep);
  if (d.empty()) in.raise(in.builtins().ValueError, "empty separator");
  if (!right) {
    size_t i = 0;
    while (true) {
      size_t j = s.find(d, i);
      if (j == std::string::npos || int64_t(parts.size()) == maxsplit) {
        parts.push_back(make_str(s.substr(i)));
        break;
      }
      charge_step();
      parts.push_back(make_str(s.substr(i, j - i)));
      i = j + d.size();
    }
  } else {
    size_t j = s.size();  // the end of the part being cut
    while (true) {
      size_t k = j >= d.size() ? s.rfind(d, j - d.size()) : std::string::npos;
      if (k == std::string::npos || int64_t(parts.size()) == maxsplit) {
        parts.push_back(make_str(s.substr(0, j)));
        break;
      }
      charge_step();
      parts.push_back(make_str(s.substr(k + d.size(), j - k - d.size())));
      j = k;
    }
    std::reverse(parts.begin(), parts.end());
  }
  return make_list(std::move(parts));
}

Value str_title(const Value& self, bool capitalize) {
  const std::string& s = text_of(self);
  reserve_bytes(s.size());
  std::string out = s;
  bool start = true;
  for (auto& c : out) {
    if (capitalize) { c = char(start ? std::toupper((unsigned char)c) : std::tolower((unsigned char)c)); start = false; continue; }
    c = char(start ? std::toupper((unsigned char)c) : std::tolower((unsigned char)c));
    start = !std::isalpha((unsigned char)c);
  }
  return make_str(out);
}

enum class CharClass { Digit, Alpha, Space, Upper, Lower };

Value str_is(const Value& self, CharClass what) {
  const std::string& s = text_of(self);
  if (s.empty()) return Value::boolean(false);
  bool ok = true, cased = false;
  for (unsigned char c : s) {
    switch (what) {
      case CharClass::Digit: ok &= bool(std::isdigit(c)); break;
      case CharClass::Alpha: ok &= bool(std::isalpha(c)); break;
      case CharClass::Space: ok &= is_space(char(c)); break;
      case CharClass::Upper: if (std::islower(c)) ok = false; if (std::isupper(c)) cased = true; break;
      case CharClass::Lower: if (std::isupper(c)) ok = false; if (std::islower(c)) cased = true; break;
    }
  }
  if (what == CharClass::Upper || what == CharClass::Lower) ok = ok && cased;
  return Value::boolean(ok);
}

enum class Justify { Center, Left, Right, Zeros };

Value str_justify(Interp& in, const Value& self, CallArgs& a, const char* name, Justify how) {
  const std::string& s = text_of(self);
  nargs(in, name, a, 1, 2);
  const int64_t width = ssize_arg(in, a.pos[0]);
  if (how == Justify::Zeros) return zfill(s, width);
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
  const int64_t left = how == Justify::Left ? 0 : how == Justify::Right ? pad : pad / 2 + (pad & width & 1);
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


}  // namespace

const MethodTable& str_methods() {
  static const MethodTable table{
      {"upper", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_case(in, s, a, "upper", true); }},
      {"lower", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_case(in, s, a, "lower", false); }},
      {"strip", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_strip(in, s, a, true, true); }},
      {"lstrip", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_strip(in, s, a, true, false); }},
      {"rstrip", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_strip(in, s, a, false, true); }},
      {"startswith", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_affix(in, s, a, "startswith", true); }},
      {"endswith", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_affix(in, s, a, "endswith", false); }},
      {"join", [](Interp& in, const Value& s, CallArgs& a) -> Value { nargs(in, "join", a, 1, 1); return join(in, text_of(s), a.pos[0]); }},
      {"split", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_split(in, s, a, false); }},
      {"rsplit", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_split(in, s, a, true); }},
      {"splitlines", str_splitlines},
      {"replace", str_replace},
      {"find", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_search(in, s, a, "find", Search::Find); }},
      {"rfind", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_search(in, s, a, "rfind", Search::RFind); }},
      {"count", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_search(in, s, a, "count", Search::Count); }},
      {"index", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_search(in, s, a, "index", Search::Index); }},
      {"rindex", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_search(in, s, a, "rindex", Search::RIndex); }},
      {"partition", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_partition(in, s, a, false); }},
      {"rpartition", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_partition(in, s, a, true); }},
      {"removeprefix", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_removeaffix(in, s, a, true); }},
      {"removesuffix", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_removeaffix(in, s, a, false); }},
      {"format", str_format},          // engine/python/str_format.cpp
      {"format_map", str_format_map},
      {"title", [](Interp&, const Value& s, CallArgs&) -> Value { return str_title(s, false); }},
      {"capitalize", [](Interp&, const Value& s, CallArgs&) -> Value { return str_title(s, true); }},
      {"isdigit", [](Interp&, const Value& s, CallArgs&) -> Value { return str_is(s, CharClass::Digit); }},
      {"isalpha", [](Interp&, const Value& s, CallArgs&) -> Value { return str_is(s, CharClass::Alpha); }},
      {"isspace", [](Interp&, const Value& s, CallArgs&) -> Value { return str_is(s, CharClass::Space); }},
      {"isupper", [](Interp&, const Value& s, CallArgs&) -> Value { return str_is(s, CharClass::Upper); }},
      {"islower", [](Interp&, const Value& s, CallArgs&) -> Value { return str_is(s, CharClass::Lower); }},
      {"isalnum", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_pred(in, s, a, "str.isalnum", Pred::Alnum); }},
      {"isascii", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_pred(in, s, a, "str.isascii", Pred::Ascii); }},
      {"isdecimal", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_pred(in, s, a, "str.isdecimal", Pred::Decimal); }},
      {"isnumeric", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_pred(in, s, a, "str.isnumeric", Pred::Numeric); }},
      {"istitle", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_pred(in, s, a, "str.istitle", Pred::Title); }},
      {"isidentifier", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_pred(in, s, a, "str.isidentifier", Pred::Identifier); }},
      {"isprintable", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_pred(in, s, a, "str.isprintable", Pred::Printable); }},
      {"swapcase", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_swapcase(in, s, a, false); }},
      {"casefold", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_swapcase(in, s, a, true); }},
      {"expandtabs", str_expandtabs},
      {"center", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_justify(in, s, a, "center", Justify::Center); }},
      {"ljust", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_justify(in, s, a, "ljust", Justify::Left); }},
      {"rjust", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_justify(in, s, a, "rjust", Justify::Right); }},
      {"zfill", [](Interp& in, const Value& s, CallArgs& a) -> Value { return str_justify(in, s, a, "zfill", Justify::Zeros); }},
      {"encode", str_encode},  // engine/python/bytes.cpp
  };
  return table;
}
}  // namespace corun
