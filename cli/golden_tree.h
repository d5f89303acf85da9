// The golden tree, touched only from the inside: every read, write and
// removal of a golden file goes through a directory descriptor reached from
// the golden root one component at a time without following a symbolic link
// (O_NOFOLLOW), so no link, wherever it points, can lead a golden update
// outside golden/. Directories are never removed; a golden file that is a
// symbolic link, a directory, a FIFO or a device is neither read nor
// replaced. Every refusal says what was refused and why.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace corun::cli {

// Golden files and a child's captured output are held in memory: beyond
// this a scenario's output is cut off and it fails.
constexpr uint64_t kMaxGoldenBytes = uint64_t(64) << 20;  // 64 MiB

// An open directory of the golden tree (or why there is none).
class GoldenDir {
 public:
  // Opens golden_root/rel (rel: a relative path of plain names), creating
  // missing directories when `create`. `shown_root` is golden_root as the
  // user would type it, for messages.
  GoldenDir(const std::filesystem::path& golden_root, const std::filesystem::path& rel,
            const std::string& shown_root, bool create);
  ~GoldenDir();
  GoldenDir(const GoldenDir&) = delete;
  GoldenDir& operator=(const GoldenDir&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Not opened because a directory on the way does not exist (without
  // `create`): its golden files are simply missing.
  bool missing() const { return missing_; }
  // Why it could not be opened (when !ok() && !missing()).
  const std::string& refusal() const { return refusal_; }
  // The directory at fault, as shown in refusal() ("golden/sub").
  const std::string& refused_path() const { return refused_path_; }

  struct Read {
    bool exists = false;
    std::string data;
    std::string error;  // exists but cannot (or must not) be read
  };
  // The golden file `name` in this directory, at most kMaxGoldenBytes.
  Read read(const std::string& name) const;
  // Whether anything at all is at `name` (not following a link).
  bool exists(const std::string& name) const;
  // Atomically replaces `name` with `data` (temporary file, fsync, rename).
  // Returns "" or why it did not.
  std::string write(const std::string& name, const std::string& data) const;
  // Removes the regular file `name` if there is one. Returns "" (also when
  // there was nothing) or why it did not; sets `removed`.
  std::string remove(const std::string& name, bool& removed) const;
  // Leftovers of interrupted writes: the names in this directory of the
  // form `.<golden file>.tmp-XXXXXX` (see write), sorted.
  std::vector<std::string> temporaries() const;

 private:
  int fd_ = -1;
  bool missing_ = false;
  std::string refusal_;
  std::string refused_path_;
};

// If `file` is a temporary file of GoldenDir::write, the golden file it
// was for ("x.out" for ".x.out.tmp-AbC123"); otherwise "".
std::string temporary_target(const std::string& file);

}  // namespace corun::cli
