// The `time` module (engine/python/time_module.cpp).
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;

Value make_time_module(Interp& in, Builtins& b);

}  // namespace corun
