// Lib/asyncio/tasks.py's functions in C++ (see native.h): wait_for,
// _cancel_and_wait, wait and _wait, shield, as_completed and its
// _wait_for_one, which the prelude (engine/asyncio/prelude/tasks.yaml)
// declares `native:`. (Task itself and gather are engine/asyncio/tasks.cpp.)
#pragma once

#include <span>

#include "engine/asyncio/native.h"

namespace corun {

std::span<const NativeDef> task_functions_natives();

}  // namespace corun
