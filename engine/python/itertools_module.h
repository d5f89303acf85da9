// The `itertools` module (engine/python/itertools_module.cpp).
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;

Value make_itertools_module(Interp& in, Builtins& b);

}  // namespace corun
