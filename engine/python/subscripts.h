// Subscripts and slices (engine/python/subscripts.cpp): what other files
// call; x[i] itself is Interp::subscript.
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;

// obj[lo:hi:st] for the builtin sequences (a missing part is None), with
// CPython's clamping of indices and its TypeError / ValueError.
Value slice_value(Interp& in, const Value& obj, const Value& lo, const Value& hi, const Value& st);

}  // namespace corun
