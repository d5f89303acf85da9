// The `functools` module (engine/python/functools_module.cpp): partial,
// wraps and update_wrapper, reduce, lru_cache and cache.
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;

Value make_functools_module(Interp& in, Builtins& b);

// Whether v is a functools.partial; its func, args (a tuple) and keywords
// (a dict) are then its fields of those names.
bool is_partial(const Value& v);

}  // namespace corun
