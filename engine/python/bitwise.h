// The bitwise operators & | ^ << >> (engine/python/bitwise.cpp).
#pragma once

#include "engine/load/expr.h"
#include "engine/python/objects.h"

namespace corun {

class Interp;

// a OP b for the bitwise BinOps, on ints of any size, bools, sets and dict
// views; CPython's TypeError for other operands.
Value bitwise_op(Interp& in, BinOp op, const Value& a, const Value& b);

}  // namespace corun
