// Lib/asyncio/selector_events.py in C++ (see native.h): the methods of the
// socket transport that the prelude (engine/asyncio/prelude/selector_events.yaml)
// declares `native:`.
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> selector_events_natives();

}  // namespace corun
