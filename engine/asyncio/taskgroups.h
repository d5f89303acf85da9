// Lib/asyncio/taskgroups.py in C++ (see native.h): TaskGroup's methods that
// the prelude (engine/asyncio/prelude/taskgroups.yaml) declares `native:`.
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> taskgroups_natives();

}  // namespace corun
