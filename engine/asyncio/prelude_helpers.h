// The asyncio prelude's private builtins (engine/asyncio/prelude_helpers.cpp).
#pragma once

namespace corun {

class Interp;
struct Builtins;

// Fills the builtin slots of _partial, _ensure_future, _aiter, _anext ...
void add_prelude_helpers(Interp& in, Builtins& b);

}  // namespace corun
