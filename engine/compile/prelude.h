// corun's asyncio prelude (engine/asyncio/prelude/*.yaml: queues, locks,
// timeouts, task groups, wait ... ported from CPython's Lib/asyncio),
// compiled once per process and shared, read-only, by every Program compiled
// afterwards: the CLI compiles one scenario, `corun test` many, the fuzzer
// millions, and compiling the prelude is most of the cost of a small one.
//
// What is shared is code: CodeObjects and the Exprs they own. What a run
// changes stays per run: the globals' values (Interp::globals_, made by
// instantiate_globals for each Interp) and the types, functions and modules
// built from the code. Exprs' inline caches (Expr::ic_*) are keyed by
// TypeObj::id, unique for the process, so an entry left by one run never
// matches a type of another. Each thread compiles its own (Values'
// reference counts are not atomic, and the constants come from the thread's
// allocation pool); runs on that thread share it one at a time.
#pragma once

#include <memory>
#include <string_view>

#include "engine/compile/code.h"

namespace corun {

// The prelude's text, and its YAML tree packed at build time (both
// generated into the build tree by CMakeLists.txt: embed_text.cmake and
// corun_pack_yaml); the text stays for messages' source lines.
extern const char* const kAsyncioPrelude;        // its files' text, concatenated
extern const char* const kAsyncioPrelude_sizes;  // each file's length in it, comma-separated
extern const std::string_view kAsyncioPreludePacked;

struct CompiledPrelude {
  // The prelude alone, compiled: its codes (owned here), its hidden globals
  // (first in every Program's globals, at the same indices), the
  // definitions to instantiate and the names it adds to `asyncio`.
  Program program;
};

// Compiles the prelude on this thread's first use, then returns the same one.
// Throws ScenarioError ("internal error in corun's asyncio prelude ...") if it
// does not compile: a bug in corun, reported on every use.
std::shared_ptr<const CompiledPrelude> compiled_prelude();

}  // namespace corun
