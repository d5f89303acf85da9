// Lib/asyncio/streams.py in C++ (see native.h): the methods of
// StreamReader that the prelude (engine/asyncio/prelude/streams.yaml)
// declares `native:`.
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> streams_natives();

}  // namespace corun
