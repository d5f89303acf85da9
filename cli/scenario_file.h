// Reading a file the user named as a scenario: the one place corun reads one
// (`run`, `export`, and the children `corun test` starts).
//
// Only a regular file (after following symbolic links) of at most a size
// limit is read. Anything else is refused before a byte is read, with a
// message that says what the path is: a directory, a FIFO (which would block
// forever), a device such as /dev/zero (endless), a symbolic link loop, ...
//
// The path `-` is standard input (`corun run -`, `corun export -`), named
// `<stdin>` in messages as CPython names a program it reads from a pipe. It
// is read to its end but never past the size limit; a directory given as
// standard input is refused like a directory given by name.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "engine/load/diagnostics.h"

namespace corun::cli {

// --max-file-size: the default, and the largest value it accepts (a bigger
// scenario could not be held and compiled within corun's memory promise).
constexpr uint64_t kDefaultMaxFileSize = uint64_t(16) << 20;  // 16 MiB
constexpr uint64_t kLargestMaxFileSize = uint64_t(1) << 30;   // 1 GiB

// What a non-regular file is, for messages: "a directory", "a FIFO (named
// pipe)", ... ; "" for a regular file.
std::string file_kind(mode_t mode);

// Why `path` cannot be read as a scenario, judged without opening it (stat
// follows symbolic links; a loop or a dangling link is named as such);
// "" when it is a regular file of at most `max_bytes`.
std::string scenario_file_problem(const std::string& path, uint64_t max_bytes);

// "16 MiB", "300 KiB", "17 bytes": a size as a person reads it.
std::string human_size(uint64_t bytes);

// The path that means standard input, and its name in messages.
inline constexpr const char* kStdinPath = "-";
inline constexpr const char* kStdinName = "<stdin>";

// How a scenario path is named in messages: `<stdin>` for `-`, else itself.
std::string scenario_display_name(const std::string& path);

struct ScenarioFile {
  std::shared_ptr<const SourceFile> source;  // null when refused
  std::string error;                          // why, when refused
};

// Reads the scenario at `path`: refuses (see above) before reading, never
// blocks on a FIFO that replaced the file in between, and reads at most
// max_bytes + 1 bytes so a file that grows meanwhile is still bounded.
ScenarioFile read_scenario_file(const std::string& path, uint64_t max_bytes);

}  // namespace corun::cli
