// The `math` module (engine/python/math_module.cpp).
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;

Value make_math_module(Interp& in, Builtins& b);

}  // namespace corun
