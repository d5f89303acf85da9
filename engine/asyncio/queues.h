// Lib/asyncio/queues.py in C++ (see native.h): the methods of Queue,
// LifoQueue and PriorityQueue that the prelude
// (engine/asyncio/prelude/queues.yaml) declares `native:`.
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> queues_natives();

}  // namespace corun
