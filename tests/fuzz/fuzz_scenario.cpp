// libFuzzer target: any bytes, as a scenario file, go through everything
// `corun run` and `corun export` do with them — load (YAML with positions),
// parse expressions, compile, export to Python, run on the virtual clock —
// with tight runaway guards and all output discarded. A crash, a sanitizer
// report, a timeout or an out-of-memory here is a bug: the promise is that
// every input ends with a status (0, 1, 2 or 3) and bounded memory.
//
// Built with -DCORUN_FUZZ=ON (clang); run with tests/fuzz/run_fuzzer.
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/compile/code.h"
#include "engine/load/diagnostics.h"
#include "engine/export/export.h"
#include "engine/vm/interp.h"
#include "engine/load/yaml_doc.h"

namespace {

// Small enough that one input runs in milliseconds, big enough that loops,
// gathers and recursion in the seed corpus get somewhere interesting.
corun::RunOptions fuzz_options() {
  corun::RunOptions options;
  options.clock = corun::ClockMode::Virtual;
  options.max_callbacks = 20'000;
  options.max_depth = 200;
  options.max_busy = 200'000;
  options.out = [](std::string_view) {};
  options.err = [](std::string_view) {};
  return options;
}

// What `corun export` does; a scenario that compiled must export.
void export_scenario(const corun::SourceFile& source, const corun::Program& program) {
  corun::YNode root = corun::load_yaml(source);
  std::string python = corun::export_python(root, program, source.name());
  (void)python;
}

// The virtual loop installs its own SIGINT handler and resets it to the
// default when it ends (the run's, and the one-time probe of what corun's
// modules provide, made by the first compile: engine/compile/unsupported.cpp); keep
// libFuzzer's (Ctrl-C prints its summary).
struct KeepFuzzerSigint {
  struct sigaction saved {};
  KeepFuzzerSigint() { sigaction(SIGINT, nullptr, &saved); }
  ~KeepFuzzerSigint() { sigaction(SIGINT, &saved, nullptr); }
};

int run_scenario(const corun::Program& program) {
  corun::Interp interp(program, fuzz_options());
  int status = interp.run();
  interp.flush_output();
  return status;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  KeepFuzzerSigint keep_sigint;
  auto source = std::make_shared<const corun::SourceFile>(
      "fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  std::unique_ptr<corun::Program> program;
  try {
    program = corun::compile_scenario(source);
  } catch (const corun::ScenarioError& e) {
    // Invalid scenario (exit 2): rendering the message is part of the path.
    for (auto& d : e.diagnostics) (void)source->render(d);
    return 0;
  }
  try {
    export_scenario(*source, *program);
  } catch (const corun::ScenarioError&) {
    // export may refuse what it cannot translate; that is a message, not a crash.
  }
  int status = run_scenario(*program);
  // Exit statuses outside corun's promise (130 is Ctrl-C) are bugs too.
  if (status != 0 && status != 1 && status != 2 && status != 3 && status != 130) __builtin_trap();
  return 0;
}
