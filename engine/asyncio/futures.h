// What Lib/asyncio/futures.py and base_futures.py show of a future beyond
// its state: the done-callbacks part of its repr, `cb=[...]`
// (base_futures._format_callbacks).
#pragma once

#include <span>
#include <string>

#include "engine/python/objects.h"

namespace corun {

class Interp;

// A done-callback asyncio adds itself, kept as C++ here, under the name
// CPython's format_helpers._format_callback_source gives its Python
// counterpart: the function's __qualname__, and whether CPython names its
// source file (a plain function does; a bound or builtin method does not).
// corun prints the source as "<corun asyncio>", as for its prelude's code.
struct CallbackName {
  Callback fn;
  const char* qualname;  // "gather.<locals>._done_callback"
  bool has_source;
  // functools.partial(qualname, ctx): the callback's argument is printed (_release_waiter(waiter))
  bool ctx_is_argument = false;
};

// Each port file's callbacks (tasks.cpp, task_functions.cpp, taskgroups.cpp, event_loops.cpp).
std::span<const CallbackName> tasks_callback_names();
std::span<const CallbackName> task_functions_callback_names();
std::span<const CallbackName> taskgroups_callback_names();
std::span<const CallbackName> event_loops_callback_names();

// " cb=[...]" for a future with done-callbacks; "" when it has none.
std::string callbacks_repr(Interp& in, const FutureObj& f);

}  // namespace corun
