// `corun check FILE...`: load and compile scenarios without running them,
// and report every error the compiler collects (file:line:col), for
// editors, pre-commit hooks and CI.
//
// A directory stands for the *.yaml and *.yml files under it, in path
// order; `-` is standard input (`<stdin>` in messages), so an editor can
// check its unsaved buffer. Output: nothing and exit 0 when every file compiles; otherwise
// exit 2 and the diagnostics -- as `corun run` prints them (stderr), or
// with --format json one JSON array on stdout of objects
// {file, line, column, severity, message, hint}. Under GITHUB_ACTIONS=true
// the text format also prints one workflow command per diagnostic on
// stdout (github_annotations.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace corun::cli {

struct CheckOptions {
  std::vector<std::string> paths;
  std::string format = "text";  // text | json
  uint64_t max_file_size = 0;
  bool color = false;  // of the text diagnostics (stderr)
};

int run_check(const CheckOptions& options);

}  // namespace corun::cli
