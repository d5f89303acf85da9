// `corun schema`: a JSON Schema (draft 2020-12) for scenario files, so that
// yaml-language-server (VS Code, Neovim, Helix) completes and checks them.
//
// Generated, never written by hand: the keys and verbs are the compiler's
// own tables (engine/compile/language_tables.h), the descriptions are
// docs/language.md's (language_docs.h). What the schema adds is the shape
// of each value (an expression is a scalar, a body is a list of steps, a
// handler is {type, as, steps}) and which modifiers a verb requires; both
// are checked against the compiler by tests/unit/schema_test.cpp.
//
// The schema is looser than the compiler where YAML alone cannot say (an
// expression's syntax, a name being defined) and never stricter: every
// scenario corun accepts validates (tests/cli/schema_validates.py).
#pragma once

#include <string>
#include <vector>

#include "engine/schema/json.h"

namespace corun {

// The shape of a verb's argument or of a modifier's value: a name under the
// schema's "$defs" ("expression", "steps", "target", ...).
struct VerbShape {
  std::string verb;
  std::string argument;                                        // $defs name
  std::vector<std::pair<std::string, std::string>> modifiers;  // modifier -> $defs name
  std::vector<std::string> required;                           // modifiers the verb cannot do without
};

// One row per verb of step_verbs(), in its order.
std::vector<VerbShape> verb_shapes();

Json scenario_schema();

}  // namespace corun
