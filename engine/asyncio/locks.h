// Lib/asyncio/locks.py in C++ (see native.h): the methods of Lock, Event,
// Condition, Semaphore, BoundedSemaphore and Barrier that the prelude
// (engine/asyncio/prelude/locks.yaml) declares `native:` (locks.cpp,
// locks_condition.cpp).
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> locks_natives();

}  // namespace corun
