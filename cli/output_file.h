// Files the user names for corun to write: --trace-file, --trace-json,
// --timeline-svg, `export -o`. corun writes no other file (the golden writer
// has its own rules, in test_runner.cpp).
#pragma once

#include <string>
#include <vector>

namespace corun::cli {

// Why `path` cannot receive output, judged before the run so that a typo
// does not cost a whole run: "" when it looks writable. Refused: a directory,
// a missing parent directory, an unwritable place, and the scenario itself
// (`corun export x.yaml -o x.yaml` would overwrite the scenario).
std::string output_path_problem(const std::string& path, const std::string& scenario);

// The same for several flags at once, plus two flags naming one file; prints
// `corun: error: --flag: ...` for the first problem and returns false.
struct NamedOutput {
  const char* flag;
  std::string path;  // "" = not given
};
bool check_outputs(const std::vector<NamedOutput>& outputs, const std::string& scenario);

// Opens `path` for writing (created 0666 & ~umask, truncated). A FIFO with
// no reader fails at once instead of blocking; a directory fails. Returns the
// fd, or -1 with errno set.
int open_output_file(const std::string& path);

// Writes `text` to `path`; on failure prints `corun: error: cannot write
// 'path': reason` and returns false.
bool write_output_file(const std::string& path, const std::string& text);

}  // namespace corun::cli
