// Subscripts and slices (engine/python/subscripts.cpp): what other files
// call; x[i] itself is Interp::subscript.
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;

// obj[lo:hi:st] for the builtin sequences (a missing part is None), with
// CPython's clamping of indices and its TypeError / ValueError.
Value slice_value(Interp& in, const Value& obj, const Value& lo, const Value& hi, const Value& st);

// The indices lo:hi:st picks from a sequence of `len` items, as
// PySlice_Unpack + PySlice_AdjustIndices compute them: `count` indices,
// start, start + step, ... (each within the sequence).
struct SliceIndices {
  int64_t start = 0, step = 1;
  size_t count = 0;
};
SliceIndices slice_indices(Interp& in, int64_t len, const Value& lo, const Value& hi, const Value& st);

}  // namespace corun
