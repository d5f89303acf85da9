#include "cli/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace corun::cli {

namespace fs = std::filesystem;

namespace {

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// The directory a new file at `path` would be created in.
std::string parent_of(const std::string& path) {
  std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// A file several outputs may share harmlessly: /dev/null, a terminal.
bool shareable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

// Whether two paths, existing or not, name one file.
bool same_destination(const std::string& a, const std::string& b) {
  std::error_code ec;
  fs::path x = fs::weakly_canonical(fs::absolute(a, ec), ec);
  if (ec) return false;
  fs::path y = fs::weakly_canonical(fs::absolute(b, ec), ec);
  return !ec && x == y;
}

}  // namespace

std::string output_path_problem(const std::string& path, const std::string& scenario) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return "'" + path + "' is a directory";
    struct stat source {};
    if (!scenario.empty() && ::stat(scenario.c_str(), &source) == 0 && same_file(st, source))
      return "'" + path + "' is the scenario itself; it would be overwritten";
    if (::access(path.c_str(), W_OK) != 0) return "cannot write '" + path + "': " + std::strerror(errno);
    return "";
  }
  if (errno == ELOOP) return "'" + path + "' is a symbolic link loop";
  if (errno != ENOENT) return "cannot write '" + path + "': " + std::strerror(errno);
  std::string dir = parent_of(path);
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) != 0) return "cannot write '" + path + "': no directory '" + dir + "'";
  if (!S_ISDIR(dst.st_mode)) return "cannot write '" + path + "': '" + dir + "' is not a directory";
  if (::access(dir.c_str(), W_OK) != 0) return "cannot write '" + path + "': " + std::strerror(errno);
  return "";
}

bool check_outputs(const std::vector<NamedOutput>& outputs, const std::string& scenario) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const NamedOutput& o = outputs[i];
    if (o.path.empty() || o.path == "-") continue;
    std::string problem = output_path_problem(o.path, scenario);
    for (size_t j = 0; problem.empty() && j < i; ++j) {
      const NamedOutput& earlier = outputs[j];
      if (earlier.path.empty() || earlier.path == "-" || shareable(o.path)) continue;
      if (same_destination(o.path, earlier.path))
        problem = "'" + o.path + "' is also the file of " + earlier.flag + "; give each its own file";
    }
    if (!problem.empty()) {
      std::cerr << "corun: error: " << o.flag << ": " << problem << "\n";
      return false;
    }
  }
  return true;
}

int open_output_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0666);
  if (fd < 0) return -1;
  // Non-blocking was only for the open (a FIFO without a reader); writes
  // may block like any output.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

bool write_output_file(const std::string& path, const std::string& text) {
  int fd = open_output_file(path);
  int err = fd < 0 ? errno : 0;
  for (size_t done = 0; fd >= 0 && err == 0 && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n >= 0) done += size_t(n);
    else if (errno != EINTR) err = errno;
  }
  if (fd >= 0 && ::close(fd) != 0 && err == 0) err = errno;
  if (err == 0) return true;
  if (err == ENXIO) {
    std::cerr << "corun: error: cannot write '" << path << "': it is a FIFO with no reader\n";
  } else {
    std::cerr << "corun: error: cannot write '" << path << "': " << std::strerror(err) << "\n";
  }
  return false;
}

}  // namespace corun::cli
