// Lib/asyncio/threads.py in C++ (see native.h): to_thread, which the
// prelude (engine/asyncio/prelude/threads.yaml) declares `native:`.
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> threads_natives();

}  // namespace corun
