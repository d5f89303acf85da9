// str.format and str.format_map: a port of CPython 3.11's
// Objects/stringlib/unicode_format.h. Positions are byte offsets into the
// UTF-8 text: every character the parser looks for ({ } [ ] . : !) is
// ASCII, so a multi-byte character is never split; the one place a whole
// character is read is the conversion after '!'.
#include "engine/python/str_format.h"

#include <cstdint>
#include <string>
#include <cstdio>
#include <string_view>

#include "engine/python/builtins.h"
#include "engine/python/unicode_classes.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

// A piece of the format string: [start, end) in bytes.
struct SubString {
  size_t start = 0, end = 0;
  bool empty() const { return start >= end; }
};

// AutoNumberState: whether '{}' (automatic) or '{0}' (manual) numbering is
// in use; the first numeric field decides.
enum class AutoState { Init, Auto, Manual };
struct AutoNumber {
  AutoState state = AutoState::Init;
  int64_t next = 0;
};

class Formatter {
 public:
  // format_map passes no positional arguments (args null) and a mapping;
  // format passes its arguments, and its keywords as the "kwargs".
  Formatter(Interp& in, const std::string& text, const CallArgs* args, const Value* mapping)
      : in_(in), s_(text), args_(args), mapping_(mapping) {}

  std::string build() {
    AutoNumber autonum;
    return build_string(SubString{0, s_.size()}, 2, autonum);
  }

 private:
  Interp& in_;
  const std::string& s_;
  const CallArgs* args_;   // null for format_map: a positional field is an error
  const Value* mapping_;   // format_map's mapping; null for format (its keywords are looked up)

  [[noreturn]] void value_error(const std::string& m) { in_.raise(in_.builtins().ValueError, m); }
  std::string text(const SubString& ss) const { return s_.substr(ss.start, ss.end - ss.start); }

  // get_integer: the field's number when it is all decimal digits (any
  // Unicode decimal, as Py_UNICODE_TODECIMAL), else -1 (a name).
  int64_t get_integer(const SubString& ss) {
    if (ss.empty()) return -1;
    int64_t acc = 0;
    for (size_t i = ss.start; i < ss.end;) {
      const int d = unicode_decimal(take_code_point(s_, i));
      if (d < 0) return -1;
      if (acc > (INT64_MAX - d) / 10) value_error("Too many decimal digits in format string");
      acc = acc * 10 + d;
    }
    return acc;
  }

  // autonumber_state_error
  void check_autonumber(AutoState state, bool field_name_is_empty) {
    if (state == AutoState::Manual) {
      if (field_name_is_empty) value_error("cannot switch from manual field specification to automatic field numbering");
    } else if (!field_name_is_empty) {
      value_error("cannot switch from automatic field numbering to manual field specification");
    }
  }

  // field_name_split: the first part (up to '.' or '['), its index when it
  // is numeric or empty (automatic numbering), and where the rest begins.
  void field_name_split(const SubString& input, SubString& first, int64_t& first_idx, size_t& rest, AutoNumber& autonum) {
    size_t i = input.start;
    while (i < input.end && s_[i] != '[' && s_[i] != '.') ++i;
    first = SubString{input.start, i};
    rest = i;
    first_idx = get_integer(first);
    const bool field_name_is_empty = first.empty();
    const bool using_numeric_index = field_name_is_empty || first_idx != -1;
    if (autonum.state == AutoState::Init && using_numeric_index)
      autonum.state = field_name_is_empty ? AutoState::Auto : AutoState::Manual;
    if (using_numeric_index) check_autonumber(autonum.state, field_name_is_empty);
    if (field_name_is_empty) first_idx = autonum.next++;
  }

  // FieldNameIterator_next: false at the end; else one `.name` or `[key]`.
  bool next_accessor(size_t& at, size_t end, bool& is_attribute, int64_t& index, SubString& name) {
    if (at >= end) return false;
    const char c = s_[at++];
    if (c == '.') {
      is_attribute = true;
      name.start = at;
      while (at < end && s_[at] != '[' && s_[at] != '.') ++at;
      name.end = at;
      index = -1;
    } else if (c == '[') {
      is_attribute = false;
      name.start = at;
      bool bracket_seen = false;
      while (at < end) {
        if (s_[at++] == ']') { bracket_seen = true; break; }
      }
      if (!bracket_seen) value_error("Missing ']' in format string");
      name.end = at - 1;
      index = get_integer(name);
    } else {
      value_error("Only '.' or '[' may follow ']' in format field specifier");
    }
    if (name.empty()) value_error("Empty attribute in format string");
    return true;
  }

  // get_field_object
  Value get_field_object(const SubString& input, AutoNumber& autonum) {
    SubString first;
    int64_t index = 0;
    size_t rest = 0;
    field_name_split(input, first, index, rest, autonum);
    Value obj;
    if (index == -1) {
      Value key = make_str(text(first));
      if (mapping_) {
        obj = in_.subscript(*mapping_, key);  // PyObject_GetItem: __getitem__, a dict subclass's __missing__
      } else {
        const Value* v = args_->kwarg(str_of(key));
        if (!v) throw PyException{in_.make_exception_args(in_.builtins().KeyError, {key})};
        obj = *v;
      }
    } else {
      if (!args_) value_error("Format string contains positional fields");
      if (index >= int64_t(args_->npos))
        in_.raise(in_.builtins().IndexError,
                  "Replacement index " + std::to_string(index) + " out of range for positional args tuple");
      obj = args_->pos[index];
    }
    bool is_attribute = false;
    SubString name;
    while (next_accessor(rest, input.end, is_attribute, index, name)) {
      charge_step();
      if (is_attribute) obj = in_.get_attr(obj, text(name));
      else if (index == -1) obj = in_.subscript(obj, make_str(text(name)));
      else obj = in_.subscript(obj, Value::integer(index));  // PySequence_GetItem or PyObject_GetItem: obj[i] either way
    }
    return obj;
  }

  // parse_field: the field name, conversion and spec of the markup after a
  // '{'; `str` advances past its '}'.
  void parse_field(SubString& str, SubString& field_name, SubString& format_spec, bool& spec_needs_expanding,
                   char32_t& conversion) {
    conversion = 0;
    format_spec = SubString{};
    char c = 0;
    field_name.start = str.start;
    while (str.start < str.end) {
      c = s_[str.start++];
      if (c == '{') value_error("unexpected '{' in field name");
      if (c == '[') {
        while (str.start < str.end && s_[str.start] != ']') ++str.start;
        continue;
      }
      if (c == '}' || c == ':' || c == '!') break;
    }
    field_name.end = str.start - 1;
    if (c == '!' || c == ':') {
      if (c == '!') {
        if (str.start >= str.end) value_error("end of string while looking for conversion specifier");
        conversion = take_code_point(s_, str.start);
        if (str.start < str.end) {
          c = s_[str.start++];
          if (c == '}') return;
          if (c != ':') value_error("expected ':' after conversion specifier");
        }
      }
      format_spec.start = str.start;
      int count = 1;
      while (str.start < str.end) {
        c = s_[str.start++];
        if (c == '{') {
          spec_needs_expanding = true;
          ++count;
        } else if (c == '}') {
          if (--count == 0) {
            format_spec.end = str.start - 1;
            return;
          }
        }
      }
      value_error("unmatched '{' in format spec");
    } else if (c != '}') {
      value_error("expected '}' before end of string");
    }
  }

  // do_conversion
  Value convert(const Value& v, char32_t conversion) {
    switch (conversion) {
      case 'r': return make_str(in_.repr(v));
      case 's': return make_str(in_.str(v));
      case 'a': return make_str(ascii_of(in_, v));
      default: break;
    }
    char buf[32];
    if (conversion > 32 && conversion < 127) std::snprintf(buf, sizeof buf, "%c", char(conversion));
    else std::snprintf(buf, sizeof buf, "\\x%x", unsigned(conversion));
    value_error(std::string("Unknown conversion specifier ") + buf);
  }

  // output_markup: the field's object, converted, then formatted with its
  // spec (itself expanded first when it holds fields).
  void output_markup(const SubString& field_name, const SubString& format_spec, bool spec_needs_expanding,
                     char32_t conversion, std::string& out, int depth, AutoNumber& autonum) {
    Value obj = get_field_object(field_name, autonum);
    if (conversion) obj = convert(obj, conversion);
    std::string spec = spec_needs_expanding ? build_string(format_spec, depth - 1, autonum) : text(format_spec);
    if (spec.empty() && obj.is(ObjKind::Str)) append_reserved(out, str_of(obj));
    else append_reserved(out, in_.format(obj, spec));
  }

  // build_string and do_markup: MarkupIterator_next over `input`, literal
  // text copied, each field rendered as it is reached.
  std::string build_string(const SubString& input, int depth, AutoNumber& autonum) {
    if (depth <= 0) value_error("Max string recursion exceeded");
    std::string out;
    SubString str = input;
    while (str.start < str.end) {
      const size_t start = str.start;
      char c = 0;
      bool markup_follows = false;
      while (str.start < str.end) {
        c = s_[str.start++];
        if (c == '{' || c == '}') { markup_follows = true; break; }
      }
      const bool at_end = str.start >= str.end;
      size_t len = str.start - start;
      if (c == '}' && (at_end || s_[str.start] != '}')) value_error("Single '}' encountered in format string");
      if (at_end && c == '{') value_error("Single '{' encountered in format string");
      if (!at_end) {
        if (s_[str.start] == c) {  // '{{' or '}}': the character, no markup
          ++str.start;
          markup_follows = false;
        } else {
          --len;
        }
      }
      append_reserved(out, std::string_view(s_).substr(start, len));
      if (!markup_follows) continue;
      SubString field_name, format_spec;
      bool spec_needs_expanding = false;
      char32_t conversion = 0;
      parse_field(str, field_name, format_spec, spec_needs_expanding, conversion);
      output_markup(field_name, format_spec, spec_needs_expanding, conversion, out, depth, autonum);
    }
    return out;
  }
};

}  // namespace

Value str_format(Interp& in, const Value& self, CallArgs& a) {
  const std::string& s = str_of(self);
  charge(s.size() / kBytesPerUnit);
  return make_str(Formatter(in, s, &a, nullptr).build());
}

Value str_format_map(Interp& in, const Value& self, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "str.format_map() takes no keyword arguments");
  if (a.npos != 1)
    in.raise(in.builtins().TypeError, "str.format_map() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  const std::string& s = str_of(self);
  charge(s.size() / kBytesPerUnit);
  return make_str(Formatter(in, s, nullptr, &a.pos[0]).build());
}

}  // namespace corun
