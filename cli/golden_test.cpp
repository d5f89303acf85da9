// `corun test`: golden-file tests for scenarios.
//
// Semantics (user documentation; keep in sync with the README)
// -------------------------------------------------------------
// Layout. A scenario is a `*.yaml` file under a directory named `scenarios`.
// For each path given on the command line (default: `scenarios` in the
// current directory) corun searches upward, starting at the path itself, for
// the nearest directory named `scenarios`: that is the scenario root, and the
// golden root is its sibling directory `golden`. A directory argument means
// every `*.yaml` below it, recursively; a file argument must be a `*.yaml`
// file. For `scenarios/<p>.yaml` the golden files are
//   golden/<p>.out   expected stdout; always present, possibly empty
//   golden/<p>.err   expected stderr; present only when non-empty
//   golden/<p>.exit  expected exit status, a decimal number and a newline;
//                    present only when non-zero
// A path that does not exist, that is not under a directory named
// `scenarios`, or under which no scenario is found is a usage error (exit 2,
// nothing is run).
//
// Running. Each scenario runs as a child process `corun run <file>.yaml`
// (the same corun binary) with the working directory set to the scenario's
// directory, so messages that print the file name are stable. Its stdin is
// /dev/null, stdout and stderr are captured separately, and the environment
// is inherited plus NO_COLOR=1. The child leads its own process group; after
// `timeout_seconds` (default 120; 0 or less = no limit) the whole group is
// killed with SIGKILL and the scenario fails with "timed out after N s". Up
// to `-j N` scenarios run at once (default: the number of cores). Results are
// printed in path order whatever the order of completion. A child killed by
// signal S has exit status 128+S, as in the shell.
//
// Comparison. stdout is compared with .out, stderr with .err (missing =
// empty) and the exit status with .exit (missing = 0), byte for byte: the
// engine prints LF line ends and golden files are LF-only. A passing scenario
// prints nothing. A failing one prints `FAIL scenarios/<p>.yaml` followed by,
// for each differing stream, a unified diff like `diff -u` (headers
// `--- golden/<p>.out` and `+++ actual stdout`, or `.err` / `actual stderr`,
// 3 lines of context, `\ No newline at end of file` where a last line has no
// newline), and for the exit status the line `exit status: expected X, got Y`.
// With colour (main enables it only on a terminal and never with NO_COLOR)
// removed lines are red and added lines green. All paths are shown relative
// to the current directory, as you would type them.
//
// Missing golden file. When golden/<p>.out does not exist the scenario fails
// with `missing golden file golden/<p>.out; create it with:
// corun test --update scenarios/<p>.yaml` (it is not run).
//
// Unused golden files. For each directory argument, every .out/.err/.exit
// file in the corresponding golden subtree must belong to an existing
// scenario; each one that does not is reported as
// `unused golden file golden/<p>.out (no scenarios/<p>.yaml)` and counts as a
// failure (also with --update: corun never deletes them for you). File
// arguments do not trigger this check.
//
// Updating. With `--update`, or when the environment variable CORUN_UPDATE is
// set to a non-empty value other than 0, the actual outputs become the golden
// files: .out is always written, .err only when stderr is non-empty and .exit
// only when the status is non-zero (otherwise they are removed). Files are
// written atomically (temporary file in the same directory, fsync, rename),
// CRLF is converted to LF, and directories are created as needed. Each file
// that changes is reported as `updated golden/<p>.out` (or `removed
// golden/<p>.err` for a removal); the scenario then counts as passed. A
// scenario that timed out or could not be started is never written and fails.
// When the environment variable CI is set to anything non-empty, nothing is
// ever written: corun prints `refusing to update golden files: CI is set` to
// stderr and compares as without --update, so a missing or outdated golden
// file fails the CI run instead of being silently created.
//
// Result. The last line on stdout is always `N passed, N failed` (CI parses
// it; unused golden files count as failures). The exit code is 0 when nothing
// failed, 1 otherwise, and 2 for a usage problem (in which case only an error
// message is printed, on stderr).

#include "cli/golden_test.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/unified_diff.h"

extern char** environ;

namespace corun::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kBoldRed = "\033[1;31m";
constexpr const char* kReset = "\033[0m";

struct Scenario {
  fs::path yaml;                  // absolute, canonical
  std::string golden_base;        // absolute <golden root>/<p>, without extension
  std::string shown;              // the .yaml path as the user would type it
  std::string golden_shown_base;  // golden/<p> as the user would type it
};

struct Outcome {
  bool missing_out = false;  // not run: golden .out is missing
  std::string spawn_error;   // not run (or not completed) because of this
  std::string out, err;
  int status = 0;
  bool timed_out = false;
};

struct TestedDir {
  fs::path dir, scenario_root, golden_root;
};

// ---------------------------------------------------------------------------
// Small helpers

std::string errno_text(int err) { return std::strerror(err); }

// How the user would type `abs` from `cwd`.
std::string shown_path(const fs::path& abs, const fs::path& cwd) {
  fs::path rel = abs.lexically_relative(cwd);
  if (rel.empty()) return abs.string();
  return rel.string();
}

std::string shell_quote(const std::string& s) {
  static const char kSafe[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+:,@%=";
  if (!s.empty() && s.find_first_not_of(kSafe) == std::string::npos) return s;
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

std::string crlf_to_lf(const std::string& s) {
  std::string r;
  r.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    r += s[i];
  }
  return r;
}

std::string format_seconds(double seconds) {
  std::ostringstream os;
  os << seconds;
  return os.str();
}

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

struct FileRead {
  bool exists = false;
  std::string data;
  std::string error;  // set when the file exists but cannot be read
};

FileRead read_file(const std::string& path) {
  FileRead r;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT && errno != ENOTDIR) {
      r.exists = true;
      r.error = errno_text(errno);
    }
    return r;
  }
  r.exists = true;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      r.data.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      r.error = errno_text(errno);
      break;
    }
  }
  ::close(fd);
  return r;
}

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Temporary file in the same directory, fsync, rename over the target, fsync
// the directory. Returns "" on success, else an error description.
std::string write_file_atomically(const std::string& path, const std::string& data) {
  fs::path target(path);
  fs::path dir = target.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "cannot create directory " + dir.string() + ": " + ec.message();

  std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return errno_text(errno);
  std::string tmp(name.data());
  mode_t mask = ::umask(0);
  ::umask(mask);
  std::string error;
  if (::fchmod(fd, 0666 & ~mask) != 0) error = errno_text(errno);
  if (error.empty() && !write_all(fd, data)) error = errno_text(errno);
  if (error.empty() && ::fsync(fd) != 0) error = errno_text(errno);
  if (::close(fd) != 0 && error.empty()) error = errno_text(errno);
  if (error.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) error = errno_text(errno);
  if (!error.empty()) {
    ::unlink(tmp.c_str());
    return error;
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return "";
}

void emit(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------
// Finding scenarios

std::optional<fs::path> find_scenario_root(const fs::path& start) {
  for (fs::path p = start;; p = p.parent_path()) {
    if (p.filename() == "scenarios") return p;
    if (p == p.root_path() || p.parent_path() == p) return std::nullopt;
  }
}

Scenario make_scenario(const fs::path& yaml, const fs::path& root, const fs::path& golden_root,
                       const fs::path& cwd) {
  Scenario s;
  s.yaml = yaml;
  std::string rel = yaml.lexically_relative(root).string();
  rel.resize(rel.size() - std::string(".yaml").size());
  fs::path base = golden_root / rel;
  s.golden_base = base.string();
  s.shown = shown_path(yaml, cwd);
  s.golden_shown_base = shown_path(base, cwd);
  return s;
}

bool is_yaml(const fs::path& p) { return p.extension() == ".yaml"; }

// Returns 0, or 2 after printing a usage error.
int collect(const std::vector<std::string>& args, bool args_defaulted, const fs::path& cwd,
            std::map<fs::path, Scenario>& scenarios, std::vector<TestedDir>& dirs) {
  for (const std::string& arg : args) {
    std::error_code ec;
    fs::file_status st = fs::status(arg, ec);
    if (!fs::exists(st)) {
      if (args_defaulted) {
        std::fprintf(stderr,
                     "corun test: there is no directory 'scenarios' here; give the scenario "
                     "files or directories to test as arguments\n");
      } else {
        std::fprintf(stderr, "corun test: %s: no such file or directory\n", arg.c_str());
      }
      return 2;
    }
    fs::path abs = fs::canonical(arg, ec);
    if (ec) {
      std::fprintf(stderr, "corun test: %s: %s\n", arg.c_str(), ec.message().c_str());
      return 2;
    }
    bool is_dir = fs::is_directory(st);
    std::optional<fs::path> root = find_scenario_root(is_dir ? abs : abs.parent_path());
    if (!root) {
      std::fprintf(stderr,
                   "corun test: %s is not inside a directory named 'scenarios' (scenarios must "
                   "live under scenarios/, with their golden files under the sibling golden/)\n",
                   arg.c_str());
      return 2;
    }
    fs::path golden_root = root->parent_path() / "golden";

    if (!is_dir) {
      if (!fs::is_regular_file(st) || !is_yaml(abs)) {
        std::fprintf(stderr, "corun test: %s is not a scenario (a *.yaml file)\n", arg.c_str());
        return 2;
      }
      scenarios.emplace(abs, make_scenario(abs, *root, golden_root, cwd));
      continue;
    }

    std::size_t found = 0;
    fs::recursive_directory_iterator it(abs, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code ec2;
      if (is_yaml(it->path()) && it->is_regular_file(ec2)) {
        fs::path yaml = it->path().lexically_normal();
        scenarios.emplace(yaml, make_scenario(yaml, *root, golden_root, cwd));
        ++found;
      }
    }
    if (ec) {
      std::fprintf(stderr, "corun test: %s: %s\n", arg.c_str(), ec.message().c_str());
      return 2;
    }
    if (found == 0) {
      std::fprintf(stderr, "corun test: no scenarios (*.yaml files) found under %s\n",
                   arg.c_str());
      return 2;
    }
    dirs.push_back({abs, *root, golden_root});
  }
  return 0;
}

// Golden files under the tested directories that no scenario uses, as
// (golden file, scenario it would belong to).
std::map<fs::path, fs::path> find_unused(const std::vector<TestedDir>& dirs) {
  std::map<fs::path, fs::path> unused;
  for (const TestedDir& d : dirs) {
    fs::path sub = (d.golden_root / d.dir.lexically_relative(d.scenario_root)).lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(sub, ec)) continue;
    fs::recursive_directory_iterator it(sub, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& file = it->path();
      fs::path ext = file.extension();
      if (ext != ".out" && ext != ".err" && ext != ".exit") continue;
      std::error_code ec2;
      if (!it->is_regular_file(ec2)) continue;
      std::string rel = file.lexically_relative(d.golden_root).string();
      rel.resize(rel.size() - ext.string().size());
      fs::path yaml = d.scenario_root / (rel + ".yaml");
      if (!fs::is_regular_file(yaml, ec2)) unused.emplace(file, yaml);
    }
  }
  return unused;
}

// ---------------------------------------------------------------------------
// Running children

volatile sig_atomic_t g_signal = 0;

extern "C" void on_terminating_signal(int sig) { g_signal = sig; }

struct Child {
  std::size_t index = 0;
  pid_t pid = -1;
  int fd[2] = {-1, -1};  // stdout, stderr read ends; -1 once at EOF
  bool reaped = false;
  bool killed = false;
  std::optional<Clock::time_point> deadline;
  Outcome outcome;
};

class Runner {
 public:
  Runner(std::string exe, double timeout) : exe_(std::move(exe)), timeout_(timeout) {
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "NO_COLOR=", 9) != 0) env_strings_.emplace_back(*e);
    }
    env_strings_.emplace_back("NO_COLOR=1");
    for (std::string& s : env_strings_) envp_.push_back(s.data());
    envp_.push_back(nullptr);
  }

  // Starts `s`; on failure returns nullopt and sets outcome.spawn_error.
  std::optional<Child> start(std::size_t index, const Scenario& s, Outcome& failed) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
      failed.spawn_error = "cannot create pipe: " + errno_text(errno);
      return std::nullopt;
    }
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
      failed.spawn_error = "cannot create pipe: " + errno_text(errno);
      ::close(out_pipe[0]);
      ::close(out_pipe[1]);
      return std::nullopt;
    }
    int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    std::string dir = s.yaml.parent_path().string();
    std::string file = s.yaml.filename().string();
    std::string run = "run";
    char* argv[] = {exe_.data(), run.data(), file.data(), nullptr};
    std::string chdir_error = "corun test: cannot change directory to " + dir + "\n";
    std::string exec_error = "corun test: cannot execute " + exe_ + "\n";

    pid_t pid = ::fork();
    if (pid == 0) {
      // Child: only async-signal-safe calls from here on.
      ::setpgid(0, 0);
      if (::chdir(dir.c_str()) != 0) {
        ssize_t ignored = ::write(err_pipe[1], chdir_error.data(), chdir_error.size());
        (void)ignored;
        ::_exit(127);
      }
      if (devnull >= 0) ::dup2(devnull, 0);
      ::dup2(out_pipe[1], 1);
      ::dup2(err_pipe[1], 2);
      ::execve(argv[0], argv, envp_.data());
      ssize_t ignored = ::write(2, exec_error.data(), exec_error.size());
      (void)ignored;
      ::_exit(127);
    }
    int fork_errno = errno;
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (devnull >= 0) ::close(devnull);
    if (pid < 0) {
      ::close(out_pipe[0]);
      ::close(err_pipe[0]);
      failed.spawn_error = "cannot start a process: " + errno_text(fork_errno);
      return std::nullopt;
    }
    ::setpgid(pid, pid);  // also done by the child; whichever runs first wins
    Child c;
    c.index = index;
    c.pid = pid;
    c.fd[0] = out_pipe[0];
    c.fd[1] = err_pipe[0];
    for (int fd : c.fd) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (timeout_ > 0) {
      c.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(timeout_));
    }
    return c;
  }

 private:
  std::string exe_;
  double timeout_;
  std::vector<std::string> env_strings_;
  std::vector<char*> envp_;
};

void drain(Child& c, int which) {
  std::string& sink = which == 0 ? c.outcome.out : c.outcome.err;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(c.fd[which], buf, sizeof buf);
    if (n > 0) {
      sink.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    ::close(c.fd[which]);  // EOF or error
    c.fd[which] = -1;
    return;
  }
}

void try_reap(Child& c) {
  if (c.reaped) return;
  int st = 0;
  pid_t r = ::waitpid(c.pid, &st, WNOHANG);
  if (r == c.pid) {
    c.reaped = true;
    if (WIFEXITED(st)) {
      c.outcome.status = WEXITSTATUS(st);
    } else if (WIFSIGNALED(st)) {
      c.outcome.status = 128 + WTERMSIG(st);
    }
    // Anything the scenario left behind in its process group would keep the
    // pipes open; the group is still ours, so this cannot hit anyone else.
    ::kill(-c.pid, SIGKILL);
  } else if (r < 0 && errno == ECHILD) {
    c.reaped = true;
    c.outcome.spawn_error = "lost track of the child process";
  }
}

void kill_and_reap_all(std::vector<Child>& running) {
  for (Child& c : running) {
    if (!c.reaped) {
      ::kill(-c.pid, SIGKILL);
      int st;
      while (::waitpid(c.pid, &st, 0) < 0 && errno == EINTR) {
      }
    }
    for (int& fd : c.fd) {
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
  }
  running.clear();
}

// ---------------------------------------------------------------------------
// Judging one scenario

struct Context {
  bool update = false;
  bool color = false;
  double timeout = 0;
};

std::string fail_line(const Scenario& s, bool color) {
  std::string fail = color ? std::string(kBoldRed) + "FAIL" + kReset : std::string("FAIL");
  return fail + " " + s.shown + "\n";
}

std::string missing_message(const Scenario& s) {
  return "missing golden file " + s.golden_shown_base +
         ".out; create it with: corun test --update " + shell_quote(s.shown) + "\n";
}

// Rewrites the golden files of `s` from `o`; returns whether it succeeded.
bool update_golden(const Scenario& s, const Outcome& o, std::string& text) {
  std::string errors;
  auto sync = [&](const char* suffix, const std::optional<std::string>& desired) {
    std::string path = s.golden_base + suffix;
    std::string shown = s.golden_shown_base + suffix;
    FileRead current = read_file(path);
    if (desired) {
      if (current.exists && current.error.empty() && current.data == *desired) return;
      std::string error = write_file_atomically(path, *desired);
      if (!error.empty()) {
        errors += "cannot write " + shown + ": " + error + "\n";
        return;
      }
      text += "updated " + shown + "\n";
    } else {
      if (!current.exists) return;
      std::error_code ec;
      fs::remove(path, ec);
      if (ec) {
        errors += "cannot remove " + shown + ": " + ec.message() + "\n";
        return;
      }
      text += "removed " + shown + "\n";
    }
  };
  sync(".out", crlf_to_lf(o.out));
  sync(".err", o.err.empty() ? std::nullopt : std::optional<std::string>(crlf_to_lf(o.err)));
  sync(".exit", o.status == 0 ? std::nullopt
                              : std::optional<std::string>(std::to_string(o.status) + "\n"));
  text += errors;
  return errors.empty();
}

std::optional<int> parse_exit(const std::string& text) {
  std::size_t b = text.find_first_not_of(" \t\r\n");
  std::size_t e = text.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return std::nullopt;
  std::string digits = text.substr(b, e - b + 1);
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoi(digits);
}

// Prints the verdict for one scenario; returns whether it passed.
bool judge(const Scenario& s, const Outcome& o, const Context& ctx) {
  std::string text;
  bool passed = false;
  if (o.missing_out) {
    text = fail_line(s, ctx.color) + missing_message(s);
  } else if (!o.spawn_error.empty()) {
    text = fail_line(s, ctx.color) + o.spawn_error + "\n";
  } else if (o.timed_out) {
    text = fail_line(s, ctx.color) + "timed out after " + format_seconds(ctx.timeout) + " s\n";
  } else if (ctx.update) {
    std::string updates;
    passed = update_golden(s, o, updates);
    text = passed ? updates : fail_line(s, ctx.color) + updates;
  } else {
    std::string details;
    FileRead out = read_file(s.golden_base + ".out");
    FileRead err = read_file(s.golden_base + ".err");
    FileRead exit = read_file(s.golden_base + ".exit");
    if (!out.exists) {
      details += missing_message(s);
    } else if (!out.error.empty()) {
      details += "cannot read " + s.golden_shown_base + ".out: " + out.error + "\n";
    } else {
      details += unified_diff(out.data, o.out, s.golden_shown_base + ".out", "actual stdout",
                              ctx.color);
    }
    if (!err.error.empty()) {
      details += "cannot read " + s.golden_shown_base + ".err: " + err.error + "\n";
    } else {
      details += unified_diff(err.data, o.err, s.golden_shown_base + ".err", "actual stderr",
                              ctx.color);
    }
    std::optional<int> expected_status = 0;
    if (!exit.error.empty()) {
      details += "cannot read " + s.golden_shown_base + ".exit: " + exit.error + "\n";
    } else if (exit.exists) {
      expected_status = parse_exit(exit.data);
      if (!expected_status) {
        details += "invalid golden file " + s.golden_shown_base +
                   ".exit: expected a decimal exit status and a newline\n";
      }
    }
    if (expected_status && *expected_status != o.status) {
      details += "exit status: expected " + std::to_string(*expected_status) + ", got " +
                 std::to_string(o.status) + "\n";
    }
    passed = details.empty();
    if (!passed) text = fail_line(s, ctx.color) + details;
  }
  if (!text.empty()) emit(text);
  return passed;
}

}  // namespace

int run_golden_tests(const GoldenOptions& options) {
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  if (ec) {
    std::fprintf(stderr, "corun test: cannot determine the current directory: %s\n",
                 ec.message().c_str());
    return 2;
  }
  struct stat exe_stat {};
  if (options.corun_exe.empty() || ::stat(options.corun_exe.c_str(), &exe_stat) != 0 ||
      !S_ISREG(exe_stat.st_mode) || ::access(options.corun_exe.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "corun test: cannot execute the corun binary '%s'\n",
                 options.corun_exe.c_str());
    return 2;
  }

  std::vector<std::string> args = options.paths;
  if (args.empty()) args.emplace_back("scenarios");
  std::map<fs::path, Scenario> by_path;
  std::vector<TestedDir> dirs;
  if (int rc = collect(args, options.paths.empty(), cwd, by_path, dirs); rc != 0) return rc;
  std::vector<const Scenario*> scenarios;
  for (const auto& [path, s] : by_path) scenarios.push_back(&s);

  Context ctx;
  ctx.color = options.color;
  ctx.timeout = options.timeout_seconds;
  const char* update_env = std::getenv("CORUN_UPDATE");
  ctx.update = options.update ||
               (update_env != nullptr && *update_env != '\0' && std::strcmp(update_env, "0") != 0);
  if (ctx.update && env_set("CI")) {
    std::fprintf(stderr, "refusing to update golden files: CI is set\n");
    ctx.update = false;
  }

  std::size_t jobs = options.jobs > 0 ? static_cast<std::size_t>(options.jobs)
                                      : std::max(1u, std::thread::hardware_concurrency());

  // Stop the children (each in its own process group, so out of reach of the
  // terminal's Ctrl-C) if we are interrupted.
  struct sigaction action {}, old_int {}, old_term {}, old_hup {};
  action.sa_handler = on_terminating_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: let poll return
  g_signal = 0;
  ::sigaction(SIGINT, &action, &old_int);
  ::sigaction(SIGTERM, &action, &old_term);
  ::sigaction(SIGHUP, &action, &old_hup);
  auto restore_signals = [&] {
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    ::sigaction(SIGHUP, &old_hup, nullptr);
  };

  Runner runner(options.corun_exe, options.timeout_seconds);
  const std::size_t n = scenarios.size();
  std::vector<std::optional<Outcome>> outcomes(n);
  std::vector<Child> running;
  std::size_t next = 0, reported = 0;
  int passed = 0, failed = 0;

  while (reported < n) {
    if (g_signal != 0) {
      kill_and_reap_all(running);
      restore_signals();
      std::fflush(stdout);
      int sig = g_signal;
      ::raise(sig);
      return 128 + sig;  // only if the signal was ignored before we started
    }

    while (running.size() < jobs && next < n) {
      const Scenario& s = *scenarios[next];
      Outcome early;
      if (!ctx.update && !fs::exists(s.golden_base + ".out", ec)) {
        early.missing_out = true;
        outcomes[next] = std::move(early);
      } else if (std::optional<Child> c = runner.start(next, s, early)) {
        running.push_back(std::move(*c));
      } else {
        outcomes[next] = std::move(early);
      }
      ++next;
    }

    while (reported < n && outcomes[reported]) {
      if (judge(*scenarios[reported], *outcomes[reported], ctx)) {
        ++passed;
      } else {
        ++failed;
      }
      outcomes[reported].reset();
      ++reported;
    }
    if (running.empty()) continue;

    // Wait for output, exits or deadlines.
    std::vector<pollfd> fds;
    std::vector<std::pair<std::size_t, int>> owners;
    bool waiting_for_exit = false;
    Clock::time_point now = Clock::now();
    int timeout_ms = 50;  // also bounds the delay in noticing a signal
    for (std::size_t i = 0; i < running.size(); ++i) {
      Child& c = running[i];
      for (int w = 0; w < 2; ++w) {
        if (c.fd[w] >= 0) {
          fds.push_back({c.fd[w], POLLIN, 0});
          owners.emplace_back(i, w);
        }
      }
      if (c.fd[0] < 0 && c.fd[1] < 0 && !c.reaped) waiting_for_exit = true;
      if (c.deadline && !c.killed) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(*c.deadline - now).count();
        timeout_ms = static_cast<int>(std::clamp<long long>(left, 0, timeout_ms));
      }
    }
    if (waiting_for_exit) timeout_ms = std::min(timeout_ms, 1);
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready > 0) {
      for (std::size_t k = 0; k < fds.size(); ++k) {
        if (fds[k].revents != 0) drain(running[owners[k].first], owners[k].second);
      }
    }

    now = Clock::now();
    for (Child& c : running) {
      try_reap(c);
      if (!c.reaped && !c.killed && c.deadline && now >= *c.deadline) {
        ::kill(-c.pid, SIGKILL);
        c.killed = true;
        c.outcome.timed_out = true;
      }
    }
    for (std::size_t i = 0; i < running.size();) {
      Child& c = running[i];
      if (c.reaped && c.fd[0] < 0 && c.fd[1] < 0) {
        outcomes[c.index] = std::move(c.outcome);
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
  }
  restore_signals();

  std::string unused_text;
  for (const auto& [golden, yaml] : find_unused(dirs)) {
    unused_text += "unused golden file " + shown_path(golden, cwd) + " (no " +
                   shown_path(yaml, cwd) + ")\n";
    ++failed;
  }
  emit(unused_text + std::to_string(passed) + " passed, " + std::to_string(failed) +
       " failed\n");
  return failed == 0 ? 0 : 1;
}

}  // namespace corun::cli
