// The native methods of str (engine/python/str_methods.cpp): upper, split,
// find, format, splitlines, ... as Objects/unicodeobject.c defines them,
// with its argument checks and messages.
#pragma once

#include "engine/python/method_table.h"

namespace corun {

const MethodTable& str_methods();

}  // namespace corun
