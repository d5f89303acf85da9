// Sizes on the command line: `512M`, `2G`, `1048576`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace corun::cli {

// Bytes for "N", "NK", "NM" or "NG" (powers of 1024, either case), when the
// text is one of them and lies between 16 MiB (what corun needs to start) and 1 TiB; nothing otherwise.
std::optional<int64_t> parse_size(const std::string& text);

}  // namespace corun::cli
