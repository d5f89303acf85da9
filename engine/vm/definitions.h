// A program's own definitions as values (engine/vm/definitions.cpp).
#pragma once

#include <vector>

#include "engine/compile/code.h"
#include "engine/python/objects.h"

namespace corun {

class Interp;

// globals[i] for every global of p: the definitions made values (classes,
// functions, exception classes, with defaults and decorators applied), the
// variables unbound until the module body sets them. Raises NameError for a
// base class that is not defined.
void instantiate_globals(Interp& in, const Program& p, std::vector<Value>& globals);
// An instance's fields (`fields:` of its class and its bases, base first),
// evaluated in the class's scope, before __init__ runs.
void init_fields(Interp& in, InstanceObj* inst);

}  // namespace corun
