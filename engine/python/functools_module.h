// The `functools` module (engine/python/functools_module.cpp): partial,
// wraps and update_wrapper, reduce, lru_cache and cache.
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;

Value make_functools_module(Interp& in, Builtins& b);

}  // namespace corun
