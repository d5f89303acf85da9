// Range checks for corun's numeric command-line flags. Each is a CLI11
// transform: it parses the text strictly (decimal only, no sign where none is
// allowed, no overflow, no nan or inf), rejects a value outside the range
// with a message naming it ("--speed: 0 is not in 0.001..1000000"), and
// hands CLI11 the number in a canonical spelling so that its own conversion
// (which would read "010" as octal) cannot disagree.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace corun::cli {

// A whole number in [lo, hi].
CLI::Validator whole_number(uint64_t lo, uint64_t hi);
// A finite decimal number in [lo, hi].
CLI::Validator real_number(double lo, double hi);
// A size in bytes in [lo, hi]: "16777216", "64K", "16M", "1G" (also KiB,
// MiB, GiB; binary units).
CLI::Validator byte_size(uint64_t lo, uint64_t hi);
// A size as byte_size reads it, in the largest unit that is exact: "16M",
// "1G", "1536K", "17" (for --help's defaults).
std::string size_text(uint64_t bytes);

}  // namespace corun::cli
