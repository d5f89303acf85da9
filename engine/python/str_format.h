// str.format(*args, **kwargs) and str.format_map(mapping): a port of
// CPython 3.11's Objects/stringlib/unicode_format.h (MarkupIterator,
// field_name_split, FieldNameIterator, get_field_object, build_string),
// with its errors and the order it finds them in: the format string is
// parsed as it is rendered, so a field before a malformed one has already
// been looked up and formatted (its __format__ called) when the error is
// raised. Each field's value is formatted as the builtin format() does it
// (Interp::format: __format__ of an instance, the spec mini-language of
// the builtin types).
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct CallArgs;

Value str_format(Interp& in, const Value& self, CallArgs& a);      // str.format
Value str_format_map(Interp& in, const Value& self, CallArgs& a);  // str.format_map

}  // namespace corun
