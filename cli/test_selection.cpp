#include "cli/test_selection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace corun::cli {

namespace {

// `*`-only glob over the whole of `text`: the classic two-pointer match
// with backtracking to the last star (linear in practice, never recursive).
bool glob_matches(const std::string& glob, const std::string& text, std::size_t t) {
  std::size_t g = 0, star = std::string::npos, resume = 0;
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      resume = t;
    } else if (g < glob.size() && glob[g] == text[t]) {
      ++g;
      ++t;
    } else if (star != std::string::npos) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

std::optional<std::size_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 7 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoul(text);
}

}  // namespace

bool pattern_matches(const std::string& pattern, const std::string& path) {
  if (pattern.find('*') == std::string::npos) return path.find(pattern) != std::string::npos;
  if (glob_matches(pattern, path, 0)) return true;
  for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
    if (glob_matches(pattern, path, slash + 1)) return true;
  return false;
}

bool selected_by(const std::vector<std::string>& patterns, const std::string& path) {
  if (patterns.empty()) return true;
  for (const std::string& p : patterns)
    if (pattern_matches(p, path)) return true;
  return false;
}

std::optional<Shard> parse_shard(const std::string& text, std::string& error) {
  std::size_t slash = text.find('/');
  std::optional<std::size_t> k, n;
  if (slash != std::string::npos) {
    k = parse_count(text.substr(0, slash));
    n = parse_count(text.substr(slash + 1));
  }
  if (!k || !n) {
    error = "'" + text + "' is not K/N (shard K of N, 1-based: 1/3, 2/3, 3/3)";
    return std::nullopt;
  }
  if (*n < 1 || *n > kMaxShards) {
    error = "'" + text + "': N must be in 1.." + std::to_string(kMaxShards);
    return std::nullopt;
  }
  if (*k < 1 || *k > *n) {
    error = "'" + text + "': K must be in 1.." + std::to_string(*n) + " (shards are numbered from 1)";
    return std::nullopt;
  }
  return Shard{*k, *n};
}

std::optional<Shard> bazel_shard(std::string& error) {
  const char* total = std::getenv("TEST_TOTAL_SHARDS");
  if (total == nullptr || *total == '\0') return std::nullopt;
  const char* index = std::getenv("TEST_SHARD_INDEX");
  std::optional<std::size_t> n = parse_count(total);
  std::optional<std::size_t> i = index ? parse_count(index) : std::nullopt;
  if (!n || *n < 1 || *n > kMaxShards) {
    error = std::string("TEST_TOTAL_SHARDS='") + total + "' is not a number of shards in 1.." + std::to_string(kMaxShards);
    return std::nullopt;
  }
  if (!i || *i >= *n) {
    error = std::string("TEST_SHARD_INDEX='") + (index ? index : "") + "' is not a shard index in 0.." +
            std::to_string(*n - 1) + " (TEST_TOTAL_SHARDS=" + total + ")";
    return std::nullopt;
  }
  return Shard{*i + 1, *n};
}

std::string touch_shard_status_file() {
  const char* path = std::getenv("TEST_SHARD_STATUS_FILE");
  if (path == nullptr || *path == '\0') return "";
  int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0666);
  if (fd < 0) return std::string("cannot touch TEST_SHARD_STATUS_FILE '") + path + "': " + std::strerror(errno);
  struct stat st {};
  std::string error;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::futimens(fd, nullptr) != 0)
    error = std::string("cannot touch TEST_SHARD_STATUS_FILE '") + path + "': " + std::strerror(errno);
  ::close(fd);
  return error;
}

}  // namespace corun::cli
