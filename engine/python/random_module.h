// The `random` module (engine/python/random_module.cpp).
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;

// Its generator is seeded from the program's `seed:`, else from the clock.
Value make_random_module(Interp& in, Builtins& b);

}  // namespace corun
