// Test helper: compile a scenario from text and run it in-process,
// capturing stdout, stderr and the exit status. A scenario that does not
// compile is a test failure (with corun's own diagnostics in the message).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/compile/code.h"
#include "engine/load/diagnostics.h"
#include "engine/vm/interp.h"

namespace corun::testing {

struct RunResult {
  int status = -1;
  std::string out, err;
};

// `compile` is compile_scenario, or compile_scenario_with_private_builtins
// for tests of the prelude's natives.
inline RunResult run_yaml(const std::string& yaml, RunOptions opts = {},
                          std::unique_ptr<Program> (*compile)(std::shared_ptr<const SourceFile>) = compile_scenario) {
  RunResult r;
  try {
    auto program = compile(std::make_shared<const SourceFile>("t.yaml", yaml));
    opts.out = [&](std::string_view s) { r.out += s; };
    opts.err = [&](std::string_view s) { r.err += s; };
    Interp in(*program, opts);
    r.status = in.run();
  } catch (const ScenarioError& e) {
    SourceFile f("t.yaml", yaml);
    std::string msg;
    for (auto& d : e.diagnostics) msg += f.render(d);
    ADD_FAILURE() << "scenario did not compile:\n" << msg;
  }
  return r;
}

// run_yaml with the runaway guard on loop callbacks set.
inline RunResult run_yaml_guarded(const std::string& yaml, uint64_t max_callbacks) {
  RunOptions opts;
  opts.max_callbacks = max_callbacks;
  return run_yaml(yaml, opts);
}

}  // namespace corun::testing
