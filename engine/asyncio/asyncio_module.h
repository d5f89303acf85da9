// The `asyncio` module's native part (engine/asyncio/asyncio_module.cpp).
#pragma once

#include <string>

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;
struct CallArgs;

// The module object, with its native functions, constants and exception
// classes; the prelude's public definitions are added to it later
// (instantiate_globals).
Value make_asyncio_module(Interp& in, Builtins& b);
// asyncio.ensure_future(x), also the prelude's _ensure_future and
// loop.run_until_complete's wrapping of a coroutine.
Value a_ensure_future(Interp& in, const Value& self, CallArgs& a);
// The coroutine of tasks.sleep(delay), for a port's `await sleep(0)`
// (StreamWriter.drain): the library's own sleep, whatever a scenario may
// have rebound asyncio.sleep to.
Value sleep_coroutine(Interp& in, Value delay);
// A coroutine that returns None at once: loop.shutdown_asyncgens() and
// shutdown_default_executor() when there is nothing to do.
Value make_noop_coroutine(Interp& in, const char* name);
// The Lib/asyncio module a prelude class comes from, as its __module__ and
// repr name it ("asyncio.locks" for Lock).
std::string prelude_class_module(const std::string& name);

}  // namespace corun
