// The scenario language's vocabulary, as the compiler itself checks it: the
// top-level keys, the keys of a definition, a class, an `except` handler,
// `options` and `conformance`, the bare-word steps, and every verb with its
// modifiers (Compiler::verb_rules, compile_steps.cpp).
//
// Invariant: these are the very lists the compiler refuses unknown keys
// with (compiler.cpp, compile_blocks.cpp, compile_steps.cpp read them from
// here), so `corun schema` (engine/schema/), which is generated from them,
// cannot drift from what `corun run` accepts. Order is the compiler's own
// (the order "did you mean" candidates are tried in).
#pragma once

#include <string>
#include <vector>

namespace corun {

struct YNode;

// The first parameter a method has without writing it, as Python's def
// spells it: `cls` for a method decorated `classmethod`, none ("") for one
// decorated `staticmethod`, `self` otherwise. `def` is the method's
// definition (its `decorators` list is read); writing the name first in
// `params` is allowed too. The compiler and `corun export` both ask here.
const char* implicit_method_param(const YNode& def);

// One row of the verb table: the step's verb, the keys it takes beside it,
// whether it awaits (coroutines only), whether it needs a function around it.
struct VerbInfo {
  std::string name;
  std::vector<std::string> modifiers;
  bool awaits = false;
  bool in_function_only = false;
};

const std::vector<VerbInfo>& step_verbs();                // the verb table, in its order
const std::vector<std::string>& top_level_keys();         // name, description, coroutines, ...
const std::vector<std::string>& definition_keys();        // params, steps, decorators
const std::vector<std::string>& method_only_keys();       // sync: a method's further key
const std::vector<std::string>& class_keys();             // base, fields, methods, attributes
const std::vector<std::string>& handler_keys();           // an except / except_star handler: type, as, steps
const std::vector<std::string>& option_keys();            // options: debug, seed
const std::vector<std::string>& conformance_keys();       // conformance: skip
const std::vector<std::string>& expect_keys();            // expect: stdout, stderr, exit
const std::vector<std::string>& bare_word_steps();        // pass, break, continue, raise, return, yield

}  // namespace corun
