// The `contextlib` module (engine/python/contextlib.cpp): native decorators,
// and classes ported in the asyncio prelude (named _cl_X there).
#pragma once

#include <string_view>
#include <vector>

#include "engine/compile/code.h"
#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;

Value make_contextlib_module(Interp& in, Builtins& b);
// A prelude definition that is one of contextlib's classes (`_cl_ExitStack`):
// its name in the module ("ExitStack"), else empty.
std::string_view contextlib_export_name(const GlobalDef& g);
// The prelude's contextlib classes join the module, under their own names
// (once the program's globals are made, instantiate_globals).
void add_contextlib_classes(ModuleObj& contextlib, const Program& p, const std::vector<Value>& globals);

}  // namespace corun
