// Argument checks shared by the native methods of attrs.cpp and
// str_methods.cpp, with CPython's messages: the positional count of a
// METH_NOARGS / METH_O / METH_VARARGS method, an argument that may also
// come by keyword, and a Py_ssize_t conversion.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

// `name` is a literal at every call: no string is made unless it raises.
inline void nargs(Interp& in, std::string_view name, CallArgs& a, size_t lo, size_t hi) {
  if (a.npos < lo || a.npos > hi) {
    // METH_O's words for one: "exactly one argument".
    std::string expect = lo == hi ? (lo == 0 ? "no arguments" : lo == 1 ? std::string("exactly one argument")
                                                                         : "exactly " + std::to_string(lo) + " arguments")
                                  : "at most " + std::to_string(hi) + " arguments";
    in.raise(in.builtins().TypeError, std::string(name) + "() takes " + expect + " (" + std::to_string(a.npos) + " given)");
  }
}

inline const Value* arg_or_kw(CallArgs& a, size_t i, std::string_view kw) {
  if (i < a.npos) return &a.pos[i];
  return a.kwarg(kw);
}

// A size or count argument, as CPython's ssize_t conversion takes it: an int
// past 64 bits is OverflowError, not a number to wrap.
inline int64_t ssize_arg(Interp& in, const Value& v) {
  if (v.is_intlike()) return v.as_int();
  if (v.is_bigint()) in.raise(in.builtins().OverflowError, "Python int too large to convert to C ssize_t");
  in.raise(in.builtins().TypeError, "'" + in.type_of(v)->name + "' object cannot be interpreted as an integer");
}
}  // namespace corun
