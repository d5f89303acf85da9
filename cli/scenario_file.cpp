#include "cli/scenario_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace corun::cli {

std::string file_kind(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

std::string human_size(uint64_t bytes) {
  static const char* const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  uint64_t whole = bytes;
  while (whole >= 1024 && unit < 6) {
    whole >>= 10;
    ++unit;
  }
  if (unit == 0) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  // One decimal when it is not a whole number of units: "16.5 MiB".
  double exact = double(bytes) / double(uint64_t(1) << (10 * unit));
  char buf[32];
  if (exact == double(whole)) std::snprintf(buf, sizeof buf, "%llu %s", (unsigned long long)whole, units[unit]);
  else std::snprintf(buf, sizeof buf, "%.1f %s", exact, units[unit]);
  return buf;
}

namespace {

// Why stat() failed, in words: a loop and a dangling link say so (strerror
// alone would read "No such file or directory" for a link that exists).
std::string stat_failure(const std::string& path, int err) {
  if (err == ELOOP) return "is a symbolic link loop (too many levels of symbolic links)";
  struct stat link {};
  if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    std::string to = n > 0 ? std::string(target, size_t(n)) : std::string("?");
    return "is a symbolic link to '" + to + "', which does not exist";
  }
  if (err == ENOENT) return "no such file";
  return std::string("cannot read the scenario: ") + std::strerror(err);
}

std::string not_regular(mode_t mode) {
  return "is " + file_kind(mode) + ", not a scenario file (a scenario is a regular YAML file)";
}

std::string too_big(uint64_t size, uint64_t max_bytes) {
  return "is " + human_size(size) + ", larger than the " + human_size(max_bytes) +
         " limit for a scenario (raise it with --max-file-size)";
}

std::string grew_too_big(uint64_t max_bytes) {
  return "grew past the " + human_size(max_bytes) +
         " limit for a scenario while being read (raise it with --max-file-size)";
}

}  // namespace

std::string scenario_display_name(const std::string& path) { return path == kStdinPath ? kStdinName : path; }

namespace {

// Reads fd to its end, at most max_bytes + 1 bytes; "" or why not.
std::string read_bounded(int fd, uint64_t max_bytes, std::string& text) {
  char buf[65536];
  while (text.size() <= max_bytes) {
    size_t room = size_t(std::min<uint64_t>(sizeof buf, max_bytes + 1 - text.size()));
    ssize_t n = ::read(fd, buf, room);
    if (n > 0) text.append(buf, size_t(n));
    else if (n == 0) break;
    else if (errno != EINTR) return std::string("cannot read the scenario: ") + std::strerror(errno);
  }
  return "";
}

// `-`: standard input, whatever it is (a pipe, a terminal, a redirected
// file) but a directory; its size is known only once read.
ScenarioFile read_stdin(uint64_t max_bytes) {
  ScenarioFile result;
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) != 0) {
    result.error = std::string("cannot read the scenario from standard input: ") + std::strerror(errno);
    return result;
  }
  if (S_ISDIR(st.st_mode)) {
    result.error = not_regular(st.st_mode);
    return result;
  }
  std::string text;
  result.error = read_bounded(STDIN_FILENO, max_bytes, text);
  if (result.error.empty() && text.size() > max_bytes)
    result.error = "is larger than the " + human_size(max_bytes) +
                   " limit for a scenario (raise it with --max-file-size)";
  if (result.error.empty()) result.source = std::make_shared<const SourceFile>(kStdinName, std::move(text));
  return result;
}

}  // namespace

std::string scenario_file_problem(const std::string& path, uint64_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return stat_failure(path, errno);
  if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
  if (uint64_t(st.st_size) > max_bytes) return too_big(uint64_t(st.st_size), max_bytes);
  return "";
}

ScenarioFile read_scenario_file(const std::string& path, uint64_t max_bytes) {
  if (path == kStdinPath) return read_stdin(max_bytes);
  ScenarioFile result;
  result.error = scenario_file_problem(path, max_bytes);
  if (!result.error.empty()) return result;
  // The path may have been replaced since stat: O_NONBLOCK keeps a FIFO from
  // blocking the open, O_NOCTTY a terminal from becoming ours, and fstat on
  // what was opened decides.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    result.error = stat_failure(path, errno);
    return result;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    result.error = std::string("cannot read the scenario: ") + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    result.error = not_regular(st.st_mode);
  } else if (uint64_t(st.st_size) > max_bytes) {
    result.error = too_big(uint64_t(st.st_size), max_bytes);
  }
  std::string text;
  if (result.error.empty()) {
    text.reserve(size_t(st.st_size));
    result.error = read_bounded(fd, max_bytes, text);
    if (result.error.empty() && text.size() > max_bytes) result.error = grew_too_big(max_bytes);
  }
  ::close(fd);
  if (result.error.empty()) result.source = std::make_shared<const SourceFile>(path, std::move(text));
  return result;
}

}  // namespace corun::cli
