// Generators, async generators and coroutines as objects
// (engine/vm/generators.cpp): what other files call.
#pragma once

#include <string>

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;
struct CallArgs;

// The builtins next, iter, anext and aiter.
void add_generator_builtins(Builtins& b);
// The method names of a generator, async generator or coroutine (for
// dir() and AttributeError), null-terminated.
const char* const* frame_object_methods(const Value& obj);
// gen.send(...) & co: the method `name` called on self; found is false
// when it has none.
Value frame_object_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found);

}  // namespace corun
