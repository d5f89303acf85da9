// Lib/asyncio/locks.py in C++ (see native.h): the methods of Lock and Event
// that the prelude (engine/asyncio/asyncio_prelude.yaml) declares `native:`.
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> locks_natives();

}  // namespace corun
