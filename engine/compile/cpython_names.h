// CPython 3.11's public names, as data (engine/compile/cpython_names.cpp, generated
// by engine/tools/gen_cpython_names.py): what a Python program may name that
// corun may not provide. Each list is space-separated words.
#pragma once

#include <string_view>
#include <vector>

namespace corun {

struct CPythonModule {
  std::string_view name;
  std::string_view attrs;  // dir(module) without the names starting with '_'
};

extern const std::string_view kCPythonBuiltins;       // dir(builtins), public
extern const std::string_view kCPythonStdlibModules;  // sys.stdlib_module_names, public
extern const std::vector<CPythonModule> kCPythonModules;

}  // namespace corun
