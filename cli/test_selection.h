// Which scenarios one `corun test` run takes: `-k PATTERN` (a substring, or
// a glob with `*`) and a shard of the suite (`--shard K/N`, or Bazel's
// TEST_SHARD_INDEX / TEST_TOTAL_SHARDS). Sharding is deterministic and
// balanced: the selected scenarios, sorted by path, are dealt round-robin,
// so the i-th (0-based) goes to shard i mod N + 1 and shard sizes differ by
// at most one; every scenario belongs to exactly one shard.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace corun::cli {

// Whether `path` (as `--list` prints it) is selected by `pattern`. Without
// a `*` the pattern is a substring of the path. With one, it is a glob --
// `*` matches any characters, `/` included; everything else matches itself
// -- which must match the whole path or a whole tail of it that starts
// after a `/` (so `seeds/*.yaml` matches `scenarios/seeds/a/b.yaml`).
bool pattern_matches(const std::string& pattern, const std::string& path);

// Selected by any of `patterns` (all paths when there are none).
bool selected_by(const std::vector<std::string>& patterns, const std::string& path);

// Shard `index` (1-based) of `total`.
struct Shard {
  std::size_t index = 1;
  std::size_t total = 1;
  // Whether the item at `position` (0-based, in path order) is in it.
  bool has(std::size_t position) const { return position % total == index - 1; }
  bool first() const { return index == 1; }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(total); }
};

// Parses "K/N" (1 <= K <= N <= kMaxShards); nullopt with `error` set.
constexpr std::size_t kMaxShards = 1'000'000;
std::optional<Shard> parse_shard(const std::string& text, std::string& error);

// The shard Bazel asks for through TEST_TOTAL_SHARDS and TEST_SHARD_INDEX
// (0-based), or nullopt when TEST_TOTAL_SHARDS is unset or empty. An
// unusable pair sets `error`.
std::optional<Shard> bazel_shard(std::string& error);

// Touches TEST_SHARD_STATUS_FILE when it is set (Bazel's sign that the
// runner shards): creates it if missing, never truncates it. Returns "" or
// why it could not.
std::string touch_shard_status_file();

}  // namespace corun::cli
