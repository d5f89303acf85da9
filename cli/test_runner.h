#pragma once
// `corun test`: run scenarios and compare their output with golden files.
// The full semantics are documented at the top of test_runner.cpp.

#include <cstdint>
#include <string>
#include <vector>

namespace corun::cli {

// -j and --timeout bounds: more children than this only thrash, and a longer
// timeout would overflow the deadline's clock.
constexpr uint64_t kMaxJobs = 256;
constexpr double kMaxTimeoutSeconds = 1'000'000;

struct GoldenOptions {
  std::vector<std::string> paths;  // files or directories of scenarios; empty = "scenarios" in the cwd
  int jobs = 0;                    // parallel runs; 0 = number of cores
  bool update = false;             // rewrite golden files (also when env CORUN_UPDATE=1)
  std::string corun_exe;           // absolute path of the corun binary to spawn (main passes /proc/self/exe resolved)
  bool color = false;              // colour diffs (main decides: only on a terminal, never with NO_COLOR)
  double timeout_seconds = 120;    // per scenario; a run over it is killed and fails (0: no limit)
  std::string golden_root;         // --golden: the golden tree of every path given; "" = the golden/ beside scenarios/
};

// Runs the golden-file tests and returns the process exit code:
// 0 all passed, 1 some failure, 2 usage problem (nothing was run).
int run_golden_tests(const GoldenOptions& options);

}  // namespace corun::cli
