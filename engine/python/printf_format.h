// str % args: printf-style formatting, a port of PyUnicode_Format
// (Objects/unicodeobject.c in CPython 3.11).
#pragma once
#include "engine/python/value.h"

namespace corun {

class Interp;

// format % args. args is a tuple of the values, one value, or a mapping for
// `%(name)s` conversions; the errors are CPython's (TypeError "not enough
// arguments for format string", ValueError "unsupported format character").
Value printf_format(Interp& in, const std::string& format, const Value& args);

}  // namespace corun
