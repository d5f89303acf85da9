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
  std::vector<std::string> patterns;  // -k: only scenarios whose path matches one (test_selection.h)
  bool list = false;               // print the selected scenario paths instead of running them
  std::string shard;               // --shard K/N ("" = none, or Bazel's TEST_SHARD_INDEX/TEST_TOTAL_SHARDS)
  std::string junit;               // --junit FILE: also write the results as JUnit XML ("" = no)
  bool verbose = false;            // a PASS line with its time for each passing scenario too
  bool ci = false;                 // --ci: never write golden files, whatever asks (as when CI is set)
  std::string golden_root;         // --golden: the golden tree of every path given; "" = the golden/ beside scenarios/
  std::vector<std::string> md_dirs;  // --md DIR: also every *.md document below DIR (markdown_doc.h)
};

// Runs the golden-file tests and returns the process exit code:
// 0 all passed, 1 some failure, 2 usage problem (nothing was run).
int run_golden_tests(const GoldenOptions& options);

}  // namespace corun::cli
