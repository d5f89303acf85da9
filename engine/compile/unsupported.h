// "Unsupported is said at load time": a name a Python 3.11 program may use
// that this version of corun does not provide -- a builtin (`open`), a module
// (`json`), an attribute of one of corun's modules (`asyncio.open_connection`)
// -- is a file:line:col error that says so, instead of an undefined-name or a
// run-time AttributeError that reads like the user's own mistake.
//
// What corun provides is never listed by hand: it is read from corun itself
// (builtin_names(), and the attributes of the modules a Builtins really
// holds, plus the prelude's asyncio exports), once per process, and compared
// with CPython's names (engine/compile/cpython_names.cpp, generated). A name someone
// adds to corun is therefore supported from then on, with nothing to update.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corun {

struct Unsupported {
  std::string message;
  std::string hint;
};

// For a name that resolves to nothing in the scenario: what to say when it is
// one of CPython's builtins or standard modules that corun lacks; nullopt
// for any other name (an ordinary undefined name).
std::optional<Unsupported> unsupported_name(std::string_view name);

// True when the builtin `name` is one of corun's modules (asyncio, time ...).
bool is_builtin_module(std::string_view name);

// For `module.attr`, `module` one of corun's modules: nullopt when corun's
// module has the attribute (or it is a dunder, left to run time); else an
// error: "corun does not support asyncio.X yet" when CPython's module has X,
// Python's own "module 'asyncio' has no attribute 'X'" when it does not.
std::optional<Unsupported> missing_module_attr(std::string_view module, std::string_view attr);

// The attributes corun's module provides (empty for a name that is not one).
const std::vector<std::string>& provided_module_attrs(std::string_view module);

}  // namespace corun
