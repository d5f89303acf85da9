#include "cli/golden_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <random>

#include "cli/scenario_file.h"

namespace corun::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTempMarker = ".tmp-";
constexpr size_t kTempRandomChars = 6;

std::string link_target(int dirfd, const std::string& name) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(dirfd, name.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, size_t(n)) : std::string("?");
}

// What is at dirfd/name when it is not what a golden file may be; "" for a
// regular file or nothing at all.
std::string not_a_golden_file(int dirfd, const std::string& name) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return "";
  if (S_ISLNK(st.st_mode))
    return "it is a symbolic link (to '" + link_target(dirfd, name) + "'); golden files are regular files inside golden/";
  if (!S_ISREG(st.st_mode)) return "it is " + file_kind(st.st_mode) + ", not a golden file";
  return "";
}

std::string random_suffix() {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static std::mt19937_64 gen{std::random_device{}()};
  std::string s;
  for (size_t i = 0; i < kTempRandomChars; ++i) s += kChars[gen() % (sizeof kChars - 1)];
  return s;
}

bool write_all(int fd, const std::string& data) {
  for (size_t done = 0; done < data.size();) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n >= 0) done += size_t(n);
    else if (errno != EINTR) return false;
  }
  return true;
}

}  // namespace

std::string temporary_target(const std::string& file) {
  size_t marker = file.size() >= 1 + strlen(kTempMarker) + kTempRandomChars
                      ? file.size() - kTempRandomChars - strlen(kTempMarker)
                      : std::string::npos;
  if (file.empty() || file[0] != '.' || marker == std::string::npos || file.compare(marker, strlen(kTempMarker), kTempMarker) != 0)
    return "";
  std::string target = file.substr(1, marker - 1);
  for (const char* ext : {".out", ".err", ".exit"}) {
    size_t n = strlen(ext);
    if (target.size() > n && target.compare(target.size() - n, n, ext) == 0) return target;
  }
  return "";
}

GoldenDir::GoldenDir(const fs::path& golden_root, const fs::path& rel, const std::string& shown_root, bool create) {
  // The root's parent is the real directory holding scenarios/ (resolved by
  // the caller); from the root down, nothing is followed.
  std::string shown = shown_root;
  refused_path_ = shown;
  int parent = ::open(golden_root.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0) {
    refusal_ = "cannot open " + golden_root.parent_path().string() + ": " + std::strerror(errno);
    return;
  }
  std::vector<std::string> names{golden_root.filename().string()};
  for (const fs::path& part : rel) names.push_back(part.string());
  int fd = parent;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (i > 0) shown += "/" + name;
    refused_path_ = shown;
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
      refusal_ = "'" + shown + "' is not a plain directory name below golden/";
      break;
    }
    int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && errno == ENOENT && create) {
      if (::mkdirat(fd, name.c_str(), 0777) != 0 && errno != EEXIST) {
        refusal_ = "cannot create directory " + shown + ": " + std::strerror(errno);
        break;
      }
      next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (next < 0) {
      int err = errno;
      struct stat st {};
      bool there = ::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
      if (err == ENOENT && !there) {
        missing_ = true;
      } else if (there && S_ISLNK(st.st_mode)) {
        refusal_ = shown + " is a symbolic link (to '" + link_target(fd, name) +
                   "'); corun reads and writes golden files only inside the golden tree, following no link";
      } else if (there && !S_ISDIR(st.st_mode)) {
        refusal_ = shown + " is " + (S_ISREG(st.st_mode) ? std::string("a file") : file_kind(st.st_mode)) +
                   ", not a directory";
      } else {
        refusal_ = "cannot open " + shown + ": " + std::strerror(err);
      }
      break;
    }
    ::close(fd);
    fd = next;
    if (i + 1 == names.size()) fd_ = fd;
  }
  if (fd_ < 0) ::close(fd);
  if (fd_ >= 0 || missing_) refused_path_.clear();
}

GoldenDir::~GoldenDir() {
  if (fd_ >= 0) ::close(fd_);
}

bool GoldenDir::exists(const std::string& name) const {
  struct stat st {};
  return fd_ >= 0 && ::fstatat(fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

GoldenDir::Read GoldenDir::read(const std::string& name) const {
  Read r;
  if (fd_ < 0) return r;
  r.exists = exists(name);
  if (!r.exists) return r;
  r.error = not_a_golden_file(fd_, name);
  if (!r.error.empty()) return r;
  // O_NONBLOCK: should a FIFO replace the file meanwhile, fstat refuses it
  // instead of the open blocking.
  int fd = ::openat(fd_, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    r.error = errno == ELOOP ? "it is a symbolic link" : std::strerror(errno);
    return r;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    r.error = "it is not a regular file";
  } else if (uint64_t(st.st_size) > kMaxGoldenBytes) {
    r.error = "it is larger than " + human_size(kMaxGoldenBytes);
  }
  char buf[65536];
  while (r.error.empty()) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) r.data.append(buf, size_t(n));
    else if (n == 0) break;
    else if (errno != EINTR) r.error = std::strerror(errno);
    if (r.data.size() > kMaxGoldenBytes) r.error = "it is larger than " + human_size(kMaxGoldenBytes);
  }
  ::close(fd);
  return r;
}

std::string GoldenDir::write(const std::string& name, const std::string& data) const {
  if (fd_ < 0) return refusal_;
  if (std::string why = not_a_golden_file(fd_, name); !why.empty()) return why + "; not replaced";
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    tmp = "." + name + kTempMarker + random_suffix();
    // 0666 less the umask, as any new file; O_EXCL|O_NOFOLLOW: never an
    // existing file or a link planted under that name.
    fd = ::openat(fd_, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) return std::strerror(errno);
  }
  if (fd < 0) return "cannot create a temporary file";
  std::string error;
  if (!write_all(fd, data)) error = std::strerror(errno);
  if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);
  if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
  if (error.empty() && ::renameat(fd_, tmp.c_str(), fd_, name.c_str()) != 0) error = std::strerror(errno);
  if (!error.empty()) {
    ::unlinkat(fd_, tmp.c_str(), 0);
    return error;
  }
  ::fsync(fd_);
  return "";
}

std::string GoldenDir::remove(const std::string& name, bool& removed) const {
  removed = false;
  if (fd_ < 0) return missing_ ? "" : refusal_;
  if (!exists(name)) return "";
  if (std::string why = not_a_golden_file(fd_, name); !why.empty())
    return why + "; not removed (corun removes only regular files, never a directory or a link's target)";
  // unlinkat without AT_REMOVEDIR never removes a directory.
  if (::unlinkat(fd_, name.c_str(), 0) != 0) return std::strerror(errno);
  removed = true;
  return "";
}

std::vector<std::string> GoldenDir::temporaries() const {
  std::vector<std::string> found;
  if (fd_ < 0) return found;
  int fd = ::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (!dir) {
    if (fd >= 0) ::close(fd);
    return found;
  }
  while (dirent* e = ::readdir(dir))
    if (!temporary_target(e->d_name).empty()) found.push_back(e->d_name);
  ::closedir(dir);
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace corun::cli
