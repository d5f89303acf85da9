// Lib/asyncio/timeouts.py in C++ (see native.h): Timeout's methods, and
// timeout() / timeout_at(), that the prelude (engine/asyncio/prelude/timeouts.yaml)
// declares `native:`.
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> timeouts_natives();

}  // namespace corun
