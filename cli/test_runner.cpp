// `corun test`: golden-file tests for scenarios.
//
// Semantics (user documentation; keep in sync with the README)
// -------------------------------------------------------------
// Layout. A scenario is a `*.yaml` or `*.yml` file. For each path given on
// the command line (default: `scenarios` in the current directory) corun
// searches upward, starting at the path itself, for the nearest directory
// named `scenarios`: that is the scenario root, and the golden root is its
// sibling directory `golden`. A directory argument means every scenario
// below it, recursively; a file argument must be a `*.yaml` or `*.yml` file.
// For `scenarios/<p>.yaml` (or `.yml`) the golden files are
//   golden/<p>.out   expected stdout; always present, possibly empty
//   golden/<p>.err   expected stderr; present only when non-empty
//   golden/<p>.exit  expected exit status, a decimal number and a newline;
//                    present only when non-zero
// `<p>.yaml` and `<p>.yml` side by side would share them: the `.yml` one is
// reported and fails. A path that does not exist, or under which no scenario
// is found, is a usage error (exit 2, nothing is run).
//
// Outside a scenarios/ tree. A scenario `<dir>/<name>.yaml` under no
// directory named `scenarios` keeps its golden files in `<dir>/__golden__/`
// (`<name>.out`, `.err`, `.exit`, as above), `<dir>` being its real
// directory. Walking such a directory, each scenario's golden home is the
// __golden__/ beside it, each __golden__/ met is checked for unused files
// (only its own files, not below), and a directory named `scenarios` met is
// tested as a tree of its own (with its sibling golden/). A path whose real
// directory is inside a scenarios/ tree (reached through a link) is refused
// (exit 2): that tree's golden/ is its scenarios' one home. __golden__/ is a
// golden tree like golden/: the rules below hold in it.
// `--golden DIR` names another golden root for every path given under a
// scenarios/ tree (DIR/<p>.out for scenarios/<p>.yaml; corun_add_scenarios'
// GOLDEN): its parent must exist, and DIR is held to the rules of golden/
// below. It does not apply outside a scenarios/ tree (a usage error there).
//
// Real paths. From `scenarios/` down, the path given must be made of real
// directories: a symbolic link there (or a `..` that leaves through one, or
// a `scenarios` that is itself a link) is refused with exit 2, since the
// golden files would be those of another tree. A scenario file that is a link
// is run (its target is read) with the golden files of the link's own name.
// Walking a directory, links are never followed: a link to a directory is
// reported (its scenarios are not tested), and a `*.yaml` that is not a
// regular file after following its link -- a FIFO, a device, a directory,
// a link loop or a dangling link -- is reported; each counts as a failure.
//
// The golden tree. Golden files are reached from `golden/` one directory at
// a time without following a link, and must be regular files: `golden/`
// itself, a directory below it or a golden file that is a symbolic link
// (wherever it points), a directory or a FIFO named like a golden file, are
// reported ("cannot read golden/<p>.out: it is a FIFO ...") and fail, and
// are never read from, written through, replaced or removed. Golden files and
// a child's stdout or stderr are held in memory up to 64 MiB; a child that
// writes more is killed and fails.
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
// prints nothing (but with -v). A failing one prints `FAIL scenarios/<p>.yaml` followed by,
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
// written atomically (temporary file `.<p>.out.tmp-XXXXXX` in the same
// directory, fsync, rename), CRLF is converted to LF, and directories are
// created as needed. Each file that changes is reported as `updated
// golden/<p>.out` (or `removed golden/<p>.err` for a removal); the scenario
// then counts as passed. A scenario that timed out, could not be started or
// wrote too much is never written and fails. What the writer refuses (see
// "The golden tree": it removes only regular files, never a directory) is
// said on stderr as `corun test: refusing to write golden/<p>.out: it is a
// symbolic link (to '...'); ...` and the scenario fails.
//
// Leftover temporary files. A `.<name>.tmp-XXXXXX` file left in the golden
// tree by an interrupted update fails the run (`leftover temporary file
// golden/... from an interrupted update`); --update removes it (`removed
// leftover temporary file ...`), inside the golden tree only.
//
// When the environment variable CI is set to anything but "", "0" or "false"
// (in any case; insta's rule), or with --ci (Jest's flag), nothing is ever
// written: corun says `refusing to update golden files (--update): CI is
// set (CI=true)` (or `--ci is given`) on stderr and compares as without
// --update. ctest's golden test runs with --ci.
//
// Tests that carry their output. A scenario with a top-level `expect:`
// block (expect_block.h) is compared with it -- stdout, stderr, exit status
// -- instead of golden files; one that also has golden files fails, saying
// which to keep. A Markdown document (`x.md` given, or found below `--md
// DIR`) is one test per ```yaml corun block (markdown_doc.h), run as `corun
// run x.md --block LINE`, shown as `x.md::<name>` (-k also matches the name
// alone); its stdout is compared with the ```output block after it (a final
// newline added when missing), its exit status with that block's `exit=N`
// (default 0), and a block without one must exit 0. --update rewrites the
// expect: block in place at once, and a document's output blocks once all
// its blocks ran (atomically, as golden files are; never under CI); a
// missing output block is never added.
//
// Selecting. `-k PATTERN` (repeatable: any may match) takes only the
// scenarios whose shown path matches (test_selection.h: a substring, or a
// glob with `*`); matching none of those found is a usage error. The others
// are "skipped (-k)": counted in the summary, <skipped> in --junit. Then
// `--shard K/N` (default: Bazel's TEST_SHARD_INDEX + 1 / TEST_TOTAL_SHARDS)
// keeps the selected scenarios at positions K-1, K-1+N, ... in path order
// (and the same of the skipped ones), so shards are balanced and each
// scenario is in exactly one; an empty shard passes. TEST_SHARD_STATUS_FILE,
// when set, is touched. What is not a scenario's -- a problem of the tree,
// an unused golden file, a leftover temporary -- is reported by shard 1 only,
// and with -k only when its path (or an unused file's scenario path) matches.
// `--list` prints the selected scenarios of the shard, one shown path a line,
// and exits 0 without running or checking anything.
//
// Result. Each failure line carries the scenario's time (`FAIL <path> (0.123
// s)`), and with -v each passing scenario prints `PASS <path> (0.123 s)`.
// A diff ends with `to accept the new output: corun test --update <path>`.
// The summary line is `N passed, N failed`, then `, N skipped (-k)` when
// some were, `, N golden files updated` (written or removed) with --update,
// `, N blocks updated` when expect: or ```output blocks were rewritten,
// and ` (shard K/N)` when sharded. When two or more scenarios ran, the
// slowest five follow it (`slowest:` and lines `  0.123 s  <path>`).
// `--junit FILE` also writes the results as JUnit XML (junit_report.h),
// checked as an output file before anything runs. The exit code is 0 when
// nothing failed, 1 otherwise, and 2 for a usage problem (in which case only
// an error message is printed, on stderr) or when the JUnit file could not
// be written.

#include "cli/test_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <ctime>
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

#include "cli/expect_block.h"
#include "cli/github_annotations.h"
#include "cli/golden_tree.h"
#include "cli/markdown_doc.h"
#include "cli/junit_report.h"
#include "cli/output_file.h"
#include "cli/scenario_file.h"
#include "cli/test_selection.h"
#include "cli/unified_diff.h"

extern char** environ;

namespace corun::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kBoldRed = "\033[1;31m";
constexpr const char* kReset = "\033[0m";

struct Scenario {
  fs::path yaml;                  // absolute: its directory is real, the file itself may be a link
  fs::path golden_root;           // absolute, real: the sibling golden/ of its scenarios/
  fs::path golden_dir;            // <p>'s directory relative to golden_root ("" at the top)
  std::string stem;               // <p>'s file name without .yaml
  std::string shown;              // the .yaml path as the user would type it
  std::string golden_shown_root;  // golden/ as the user would type it
  std::string golden_shown_base;  // golden/<p> as the user would type it
  // What it is checked against: its golden files, its own `expect:` block
  // (expect_block.h), or the ```output block of a Markdown document's
  // ```yaml corun block (markdown_doc.h; `yaml` is then the document).
  enum class Kind { kGolden, kInline, kMarkdown } kind = Kind::kGolden;
  InlineExpect expect;   // kInline
  MdScenario block;      // kMarkdown
  std::string expected;  // kMarkdown with an output block: its content
  std::string name;      // kMarkdown: the block's id in its document (-k matches it too)
};

// A path met while collecting that cannot be tested, and what it is
// (reported as a failure, after the scenarios).
struct Problem {
  std::string shown;    // the path, as the user would type it
  std::string message;  // the whole line, naming it
};

Problem problem(const std::string& shown, const std::string& why) { return {shown, shown + " " + why}; }

struct Outcome {
  double seconds = 0;        // from start to exit (0: not run)
  bool missing_out = false;  // not run: golden .out is missing
  std::string too_much;      // "stdout"/"stderr" when the child wrote more than kMaxGoldenBytes
  std::string spawn_error;   // not run (or not completed) because of this
  std::string out, err;
  int status = 0;
  bool timed_out = false;
};

// A directory argument (or, outside a scenarios/ tree, a directory with a
// __golden__/), whose golden files are checked for leftovers.
struct TestedDir {
  fs::path dir, scenario_root, golden_root;
  bool flat = false;  // a __golden__/ beside its scenarios: only its own files
};

// The golden home of the scenarios in a directory outside any scenarios/ tree.
constexpr const char* kOutsideGolden = "__golden__";

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
  fs::path rel = yaml.lexically_relative(root);
  s.golden_root = golden_root;
  s.golden_dir = rel.parent_path();
  s.stem = rel.stem().string();
  s.shown = shown_path(yaml, cwd);
  s.golden_shown_root = shown_path(golden_root, cwd);
  s.golden_shown_base = shown_path(golden_root / rel.parent_path() / s.stem, cwd);
  return s;
}

bool is_yaml(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }

// Whether a scenario `<stem>.yaml` or `<stem>.yml` exists in `dir`.
bool scenario_exists(const fs::path& dir, const std::string& stem) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(dir / (stem + ".yaml"), ec)) ||
         fs::exists(fs::symlink_status(dir / (stem + ".yml"), ec));
}

// Lexically normal, without the trailing separator that "a/." leaves.
fs::path normal(const fs::path& p) {
  fs::path n = p.lexically_normal();
  if (n.has_parent_path() && n.filename().empty()) n = n.parent_path();
  return n;
}

// Why a path given to `corun test` does not exist, in words.
std::string missing_reason(const std::string& arg, int err) {
  if (err == ELOOP) return "is a symbolic link loop (too many levels of symbolic links)";
  struct stat link {};
  if (::lstat(arg.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) return "is a symbolic link to nothing (it does not exist)";
  if (err == ENOENT) return "no such file or directory";
  return errno_text(err);
}

// The first symbolic link among root, root/a, root/a/b, ... up to `dir`
// (all lexical), as "scenarios/a is a symbolic link (to 'x')"; "" if none.
std::string first_link(const fs::path& root, const fs::path& dir, const fs::path& cwd) {
  fs::path p = root;
  std::vector<fs::path> steps{p};
  for (const fs::path& part : dir.lexically_relative(root)) {
    if (part == ".") continue;
    p /= part;
    steps.push_back(p);
  }
  for (const fs::path& step : steps) {
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(step, ec))) {
      return shown_path(step, cwd) + " is a symbolic link (to '" + fs::read_symlink(step, ec).string() + "')";
    }
  }
  return "";
}

// The real path of `root` (the scenarios/ found in the path as the user
// named it), or nullopt after saying why it cannot be used. The tree from
// scenarios/ down to `named_dir` must be made of real directories: through a
// link, a scenario's golden files would be those of another tree.
std::optional<fs::path> real_scenario_root(const std::string& arg, const fs::path& root, const fs::path& named_dir,
                                           const fs::path& kernel_dir, const fs::path& cwd) {
  std::error_code ec1, ec2, ec3;
  fs::path real_root = fs::canonical(root.parent_path(), ec1) / "scenarios";
  fs::path real_dir = fs::canonical(kernel_dir, ec2);
  bool root_is_link = fs::is_symlink(fs::symlink_status(root, ec3));
  if (!ec1 && !ec2 && !root_is_link && real_dir == normal(real_root / named_dir.lexically_relative(root)))
    return real_root;
  std::string link = first_link(root, named_dir, cwd);
  if (link.empty()) link = "it resolves to " + real_dir.string() + ", not to the path given";
  std::fprintf(stderr,
               "corun test: refusing %s: %s; corun test follows no symbolic link from scenarios/ down, "
               "so that golden files stay in the golden/ beside it (real path: %s)\n",
               arg.c_str(), link.c_str(), real_dir.string().c_str());
  return std::nullopt;
}

// One entry met while walking a scenarios tree: a scenario, a problem, or
// nothing to do. Links are looked at, never followed into (no loops).
void visit(const fs::directory_entry& entry, const fs::path& root, const fs::path& golden_root,
           const fs::path& cwd, std::map<fs::path, Scenario>& scenarios, std::vector<Problem>& problems,
           std::size_t& found) {
  std::error_code ec;
  fs::file_status own = entry.symlink_status(ec);
  const fs::path& path = entry.path();
  if (fs::is_directory(own)) return;  // walked into by the iterator
  struct stat target {};
  bool resolves = ::stat(path.c_str(), &target) == 0;
  int err = errno;
  if (fs::is_symlink(own) && !is_yaml(path)) {
    if (resolves && S_ISDIR(target.st_mode))
      problems.push_back(problem(shown_path(path, cwd), "is a symbolic link to a directory; not followed (its scenarios are not tested)"));
    return;
  }
  if (!is_yaml(path)) return;
  if (!resolves) {
    problems.push_back(problem(shown_path(path, cwd), missing_reason(path.string(), err)));
  } else if (!S_ISREG(target.st_mode)) {
    problems.push_back(problem(shown_path(path, cwd), "is " + file_kind(target.st_mode) + ", not a scenario file"));
  } else {
    fs::path yaml = path.lexically_normal();
    scenarios.emplace(yaml, make_scenario(yaml, root, golden_root, cwd));
    ++found;
  }
}

// A path outside any scenarios/ tree: a scenario's golden files are in
// __golden__/ beside it, in its real directory. A directory is walked as in
// a tree; a directory named `scenarios` met on the way is tested as a tree of
// its own (appended to `more`), and each __golden__/ met is checked for
// leftovers. Returns 0, or 2 after printing a usage error.
int collect_outside(const std::string& arg, const struct stat& st, const fs::path& named, const fs::path& kernel_dir,
                    const fs::path& cwd, std::map<fs::path, Scenario>& scenarios, std::vector<TestedDir>& dirs,
                    std::vector<Problem>& problems, std::vector<std::string>& more) {
  std::error_code ec;
  fs::path real_dir = fs::canonical(kernel_dir, ec);
  if (ec) {
    std::fprintf(stderr, "corun test: %s: %s\n", arg.c_str(), ec.message().c_str());
    return 2;
  }
  if (std::optional<fs::path> tree = find_scenario_root(real_dir)) {
    std::fprintf(stderr,
                 "corun test: refusing %s: its real path %s is inside the scenarios tree %s; name it by that "
                 "path, so that its golden files are the ones in the golden/ beside that scenarios/\n",
                 arg.c_str(), real_dir.string().c_str(), tree->string().c_str());
    return 2;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (!S_ISREG(st.st_mode) || !is_yaml(named)) {
      std::string kind = S_ISREG(st.st_mode) ? "a file not named *.yaml or *.yml" : file_kind(st.st_mode);
      std::fprintf(stderr, "corun test: %s is not a scenario (a *.yaml or *.yml file): it is %s\n", arg.c_str(),
                   kind.c_str());
      return 2;
    }
    fs::path yaml = real_dir / named.filename();
    scenarios.emplace(yaml, make_scenario(yaml, real_dir, real_dir / kOutsideGolden, cwd));
    return 0;
  }
  std::size_t found = 0, problems_before = problems.size(), trees_before = more.size();
  fs::recursive_directory_iterator it(real_dir, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code ignored;
    bool real_directory = fs::is_directory(it->symlink_status(ignored));
    std::string name = path.filename().string();
    if (name == kOutsideGolden) {  // a link there is refused when it is checked
      dirs.push_back({path.parent_path(), path.parent_path(), path, /*flat=*/true});
      if (real_directory) it.disable_recursion_pending();
      continue;
    }
    if (real_directory && name == "scenarios") {
      more.push_back(shown_path(path, cwd));
      it.disable_recursion_pending();
      continue;
    }
    visit(*it, path.parent_path(), path.parent_path() / kOutsideGolden, cwd, scenarios, problems, found);
  }
  if (ec) {
    std::fprintf(stderr, "corun test: %s: %s\n", arg.c_str(), ec.message().c_str());
    return 2;
  }
  if (found == 0 && problems.size() == problems_before && more.size() == trees_before) {
    std::fprintf(stderr, "corun test: no scenarios (*.yaml or *.yml files) found under %s\n", arg.c_str());
    return 2;
  }
  return 0;
}

// Returns 0, or 2 after printing a usage error.
int collect(const std::vector<std::string>& given, bool args_defaulted, const std::string& golden_arg,
            const fs::path& cwd, std::map<fs::path, Scenario>& scenarios, std::vector<TestedDir>& dirs,
            std::vector<Problem>& problems) {
  // --golden: its parent resolved (as the golden/ beside a real scenarios/
  // is), the root itself never followed.
  fs::path golden_override;
  if (!golden_arg.empty()) {
    fs::path named = normal(cwd / golden_arg);
    std::error_code ec;
    fs::path parent = fs::canonical(named.parent_path(), ec);
    if (ec) {
      std::fprintf(stderr, "corun test: --golden %s: its parent directory %s cannot be used: %s\n",
                   golden_arg.c_str(), named.parent_path().c_str(), ec.message().c_str());
      return 2;
    }
    if (named.filename().empty() || named.filename() == "..") {
      std::fprintf(stderr, "corun test: --golden %s: not a directory name\n", golden_arg.c_str());
      return 2;
    }
    golden_override = parent / named.filename();
  }
  std::vector<std::string> args = given;  // grows by the scenarios/ trees met outside one
  for (std::size_t a = 0; a < args.size(); ++a) {
    const std::string arg = args[a];
    struct stat st {};
    if (::stat(arg.c_str(), &st) != 0) {
      int err = errno;
      if (args_defaulted && err == ENOENT) {
        std::fprintf(stderr,
                     "corun test: there is no directory 'scenarios' here; give the scenario "
                     "files or directories to test as arguments\n");
      } else {
        std::fprintf(stderr, "corun test: %s: %s\n", arg.c_str(), missing_reason(arg, err).c_str());
      }
      return 2;
    }
    bool is_dir = S_ISDIR(st.st_mode);
    fs::path named = normal(cwd / arg);
    fs::path named_dir = is_dir ? named : named.parent_path();
    fs::path kernel_dir = is_dir ? fs::path(arg) : fs::path(arg).parent_path();
    if (kernel_dir.empty()) kernel_dir = ".";
    std::optional<fs::path> named_root = find_scenario_root(named_dir);
    if (!named_root) {
      if (!golden_override.empty()) {
        std::fprintf(stderr,
                     "corun test: --golden applies to scenarios under a directory named 'scenarios'; %s is not "
                     "(its golden files are in the __golden__/ beside it)\n",
                     arg.c_str());
        return 2;
      }
      if (int rc = collect_outside(arg, st, named, kernel_dir, cwd, scenarios, dirs, problems, args); rc != 0)
        return rc;
      continue;
    }
    std::optional<fs::path> root = real_scenario_root(arg, *named_root, named_dir, kernel_dir, cwd);
    if (!root) return 2;
    fs::path golden_root = golden_override.empty() ? root->parent_path() / "golden" : golden_override;
    fs::path real_dir = normal(*root / named_dir.lexically_relative(*named_root));

    if (!is_dir) {
      if (!S_ISREG(st.st_mode) || !is_yaml(named)) {
        std::string kind = S_ISREG(st.st_mode) ? "a file not named *.yaml or *.yml" : file_kind(st.st_mode);
        std::fprintf(stderr, "corun test: %s is not a scenario (a *.yaml or *.yml file): it is %s\n", arg.c_str(),
                     kind.c_str());
        return 2;
      }
      // The golden files follow the name given, even when it is a link.
      fs::path yaml = real_dir / named.filename();
      scenarios.emplace(yaml, make_scenario(yaml, *root, golden_root, cwd));
      continue;
    }

    std::size_t found = 0;
    std::error_code ec;
    fs::recursive_directory_iterator it(real_dir, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      visit(*it, *root, golden_root, cwd, scenarios, problems, found);
    if (ec) {
      std::fprintf(stderr, "corun test: %s: %s\n", arg.c_str(), ec.message().c_str());
      return 2;
    }
    if (found == 0 && problems.empty()) {
      std::fprintf(stderr, "corun test: no scenarios (*.yaml or *.yml files) found under %s\n",
                   arg.c_str());
      return 2;
    }
    dirs.push_back({real_dir, *root, golden_root});
  }
  return 0;
}

// The ```yaml corun blocks of the Markdown document `arg`, one test each
// (keyed by the document's real path and the block's line, so they sort in
// document order). Returns 0, or 2 after printing a usage error; a document
// corun cannot read is a problem (a failure).
int collect_markdown(const std::string& arg, bool explicit_file, const fs::path& cwd,
                     std::map<fs::path, Scenario>& scenarios, std::vector<Problem>& problems) {
  ScenarioFile file = read_scenario_file(arg, kDefaultMaxFileSize);
  if (!file.source) {
    std::fprintf(stderr, "corun test: %s: %s\n", arg.c_str(), file.error.c_str());
    return 2;
  }
  std::error_code ec;
  fs::path real = fs::canonical(arg, ec);
  if (ec) {
    std::fprintf(stderr, "corun test: %s: %s\n", arg.c_str(), ec.message().c_str());
    return 2;
  }
  std::string shown = shown_path(normal(cwd / arg), cwd);
  MdDoc doc = parse_markdown(file.source->text());
  if (!doc.error.empty()) {
    problems.push_back({shown, shown + ":" + std::to_string(doc.error_line) + ": " + doc.error});
    return 0;
  }
  if (doc.scenarios.empty() && explicit_file) {
    std::fprintf(stderr, "corun test: %s has no ```yaml corun block (a scenario to test)\n", arg.c_str());
    return 2;
  }
  for (const MdScenario& block : doc.scenarios) {
    char key[16];
    std::snprintf(key, sizeof key, "#%09d", block.block.line);
    Scenario s;
    s.kind = Scenario::Kind::kMarkdown;
    s.yaml = real;
    s.block = block;
    s.name = block.id;
    s.shown = shown + "::" + block.id;
    if (block.output) s.expected = output_content(file.source->text(), *block.output);
    scenarios.emplace(fs::path(real.string() + key), std::move(s));
  }
  return 0;
}

// The *.md documents below `dir` (--md), links not followed, in path order.
int find_markdown(const std::string& dir, std::vector<std::string>& documents) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    std::fprintf(stderr, "corun test: --md %s: not a directory\n", dir.c_str());
    return 2;
  }
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code ignored;
    if (fs::is_regular_file(it->symlink_status(ignored)) && is_markdown(it->path().string()))
      found.push_back(it->path().string());
  }
  if (ec) {
    std::fprintf(stderr, "corun test: --md %s: %s\n", dir.c_str(), ec.message().c_str());
    return 2;
  }
  if (found.empty()) {
    std::fprintf(stderr, "corun test: --md %s: no Markdown documents (*.md) below it\n", dir.c_str());
    return 2;
  }
  std::sort(found.begin(), found.end());
  documents.insert(documents.end(), found.begin(), found.end());
  return 0;
}

// What the golden subtrees of the tested directories hold that no scenario
// accounts for.
struct Leftovers {
  std::map<fs::path, fs::path> unused;  // golden file -> the scenario it would belong to
  // Of interrupted updates, whose scenario is gone: (golden root, file).
  std::vector<std::pair<fs::path, fs::path>> temporaries;
};

// A golden subtree entry: an unused golden file, an orphan temporary, a
// problem (a link, a FIFO...), or fine. Links are reported, never followed.
void visit_golden(const fs::directory_entry& entry, const TestedDir& d, const fs::path& cwd,
                  Leftovers& found, std::vector<Problem>& problems) {
  std::error_code ec;
  const fs::path& file = entry.path();
  fs::file_status own = entry.symlink_status(ec);
  if (fs::is_directory(own)) return;
  if (fs::is_symlink(own)) {
    problems.push_back(problem(shown_path(file, cwd), "is a symbolic link (to '" + fs::read_symlink(file, ec).string() +
                                                          "'); golden/ holds regular files only, and corun follows no link in it"));
    return;
  }
  fs::path rel_dir = file.parent_path().lexically_relative(d.golden_root);
  fs::path scenario_dir = (d.scenario_root / rel_dir).lexically_normal();
  auto stem_of = [](const std::string& golden_name) { return fs::path(golden_name).stem().string(); };
  std::string name = file.filename().string();
  if (std::string target = temporary_target(name); !target.empty()) {
    if (!scenario_exists(scenario_dir, stem_of(target))) found.temporaries.emplace_back(d.golden_root, file);
    return;  // one of a scenario's own: judged with it
  }
  fs::path ext = file.extension();
  if (ext != ".out" && ext != ".err" && ext != ".exit") return;
  if (scenario_exists(scenario_dir, stem_of(name))) return;  // its scenario's: judged with it
  found.unused.emplace(file, scenario_dir / (stem_of(name) + ".yaml"));
}

Leftovers find_leftovers(const std::vector<TestedDir>& dirs, const fs::path& cwd, std::vector<Problem>& problems) {
  Leftovers found;
  for (const TestedDir& d : dirs) {
    fs::path rel = d.dir.lexically_relative(d.scenario_root);
    if (rel == ".") rel.clear();
    GoldenDir sub(d.golden_root, rel, shown_path(d.golden_root, cwd), /*create=*/false);
    if (sub.missing()) continue;
    if (!sub.ok()) {
      problems.push_back({sub.refused_path(), sub.refusal()});
      continue;
    }
    std::error_code ec;
    fs::path top = (d.golden_root / rel).lexically_normal();
    if (d.flat) {
      fs::directory_iterator it(top, ec);
      for (; !ec && it != fs::directory_iterator(); it.increment(ec)) visit_golden(*it, d, cwd, found, problems);
    } else {
      fs::recursive_directory_iterator it(top, ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) visit_golden(*it, d, cwd, found, problems);
    }
    if (ec) problems.push_back(problem(shown_path(normal(d.golden_root / rel), cwd), "cannot be listed: " + ec.message()));
  }
  return found;
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
  Clock::time_point started;
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
    std::string run = "run", block = "--block", line = std::to_string(s.block.block.line);
    char* argv[] = {exe_.data(), run.data(), file.data(), nullptr, nullptr, nullptr};
    if (s.kind == Scenario::Kind::kMarkdown) {  // corun run FILE.md --block LINE
      argv[3] = block.data();
      argv[4] = line.data();
    }
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
    c.started = Clock::now();
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
      if (sink.size() > kMaxGoldenBytes) {
        // Output no golden file could hold: stop the scenario rather than
        // the machine's memory.
        c.outcome.too_much = which == 0 ? "stdout" : "stderr";
        ::kill(-c.pid, SIGKILL);
        c.killed = true;
        ::close(c.fd[which]);
        c.fd[which] = -1;
        return;
      }
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
    c.outcome.seconds = std::chrono::duration<double>(Clock::now() - c.started).count();
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
  bool plain_report = false;  // also keep each failure's text without colour (for --junit)
  bool verbose = false;
  double timeout = 0;
  fs::path cwd;
  // Leftover temporaries per golden directory, listed once.
  std::map<fs::path, std::vector<std::string>> temporaries;
  // Golden directories a scenario's verdict already named as refused.
  std::set<std::string> refused;
  // --update of Markdown documents: each one's output blocks and their new
  // content, written once all its blocks ran; and how it is shown.
  std::map<fs::path, std::vector<std::pair<MdFence, std::string>>> md_updates;
  std::map<fs::path, std::string> md_shown;
};

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", seconds);
  return buf;
}

std::string fail_line(const std::string& shown, bool color) {
  std::string fail = color ? std::string(kBoldRed) + "FAIL" + kReset : std::string("FAIL");
  return fail + " " + shown + "\n";
}

// With the time it ran, when it ran.
std::string fail_line(const Scenario& s, const Outcome& o, bool color) {
  std::string line = fail_line(s.shown, color);
  if (o.seconds > 0) line.insert(line.size() - 1, " (" + seconds_text(o.seconds) + ")");
  return line;
}

std::string missing_message(const Scenario& s) {
  return "missing golden file " + s.golden_shown_base +
         ".out; create it with: corun test --update " + shell_quote(s.shown) + "\n";
}

const char* const kGoldenSuffixes[] = {".out", ".err", ".exit"};

// The leftover temporaries of `s`'s golden files in `dir`.
std::vector<std::string> own_temporaries(const Scenario& s, const GoldenDir& dir, Context& ctx) {
  fs::path key = s.golden_root / s.golden_dir;
  auto it = ctx.temporaries.find(key);
  if (it == ctx.temporaries.end()) it = ctx.temporaries.emplace(key, dir.temporaries()).first;
  std::vector<std::string> own;
  for (const std::string& t : it->second) {
    std::string target = temporary_target(t);
    for (const char* suffix : kGoldenSuffixes)
      if (target == s.stem + suffix) own.push_back(t);
  }
  return own;
}

// A file beside `s`'s golden files, as the user would type it.
std::string golden_shown(const Scenario& s, const std::string& name) {
  return (fs::path(s.golden_shown_base).parent_path() / name).string();
}

// Rewrites the golden files of `s` from `o`. Changes are listed in `text`
// (stdout); a refusal or an error goes to stderr. Returns whether all went.
// Each refusal is also appended to `refusals`, and each file written or
// removed counted in `changed`.
bool update_golden(const Scenario& s, const Outcome& o, Context& ctx, std::string& text, std::string& refusals,
                   int& changed) {
  GoldenDir dir(s.golden_root, s.golden_dir, s.golden_shown_root, /*create=*/true);
  if (!dir.ok()) {
    std::string line = "corun test: refusing to update the golden files of " + s.shown + ": " + dir.refusal() + "\n";
    std::fputs(line.c_str(), stderr);
    refusals += line;
    ctx.refused.insert(dir.refused_path());
    return false;
  }
  bool ok = true;
  auto refuse = [&](const std::string& what, const std::string& why) {
    std::string line = "corun test: refusing to " + what + ": " + why + "\n";
    std::fputs(line.c_str(), stderr);
    refusals += line;
    ok = false;
  };
  for (const std::string& t : own_temporaries(s, dir, ctx)) {
    bool removed = false;
    std::string why = dir.remove(t, removed);
    if (!why.empty()) refuse("remove " + golden_shown(s, t), why);
    else if (removed) text += "removed leftover temporary file " + golden_shown(s, t) + "\n";
  }
  auto sync = [&](const char* suffix, const std::optional<std::string>& desired) {
    std::string name = s.stem + suffix;
    std::string shown = s.golden_shown_base + suffix;
    if (desired) {
      GoldenDir::Read current = dir.read(name);
      if (current.exists && current.error.empty() && current.data == *desired) return;
      if (std::string why = dir.write(name, *desired); !why.empty()) return refuse("write " + shown, why);
      text += "updated " + shown + "\n";
      ++changed;
    } else {
      bool removed = false;
      if (std::string why = dir.remove(name, removed); !why.empty()) return refuse("remove " + shown, why);
      if (removed) {
        text += "removed " + shown + "\n";
        ++changed;
      }
    }
  };
  sync(".out", crlf_to_lf(o.out));
  sync(".err", o.err.empty() ? std::nullopt : std::optional<std::string>(crlf_to_lf(o.err)));
  sync(".exit", o.status == 0 ? std::nullopt
                              : std::optional<std::string>(std::to_string(o.status) + "\n"));
  return ok;
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

// How `o` compares with the golden files of `s`.
struct Comparison {
  std::string details;             // the report ("" when they agree): diffs, unreadable files
  std::vector<std::string> what;   // what differs or is wrong, in a few words each
};

Comparison compare_with_golden(const Scenario& s, const Outcome& o, Context& ctx, bool color) {
  Comparison c;
  GoldenDir dir(s.golden_root, s.golden_dir, s.golden_shown_root, /*create=*/false);
  if (dir.missing()) {
    c.details = missing_message(s);
    c.what.push_back("missing golden file " + s.golden_shown_base + ".out");
    return c;
  }
  if (!dir.ok()) {
    ctx.refused.insert(dir.refused_path());
    c.details = "cannot read the golden files: " + dir.refusal() + "\n";
    c.what.push_back(c.details.substr(0, c.details.size() - 1));
    return c;
  }
  std::string& details = c.details;
  auto wrong = [&](const std::string& line) {
    details += line + "\n";
    c.what.push_back(line);
  };
  for (const std::string& t : own_temporaries(s, dir, ctx))
    wrong("leftover temporary file " + golden_shown(s, t) + " from an interrupted update (corun test --update removes it)");
  GoldenDir::Read out = dir.read(s.stem + ".out");
  GoldenDir::Read err = dir.read(s.stem + ".err");
  GoldenDir::Read exit = dir.read(s.stem + ".exit");
  bool differs = false;  // the output is not the golden output (--update would accept it)
  auto diff = [&](const GoldenDir::Read& golden, const std::string& actual, const char* suffix, const char* stream) {
    std::string d = unified_diff(golden.data, actual, s.golden_shown_base + suffix, std::string("actual ") + stream, color);
    if (d.empty()) return;
    details += d;
    c.what.push_back(std::string(stream) + " differs from " + s.golden_shown_base + suffix);
    differs = true;
  };
  if (!out.exists) {
    details += missing_message(s);
    c.what.push_back("missing golden file " + s.golden_shown_base + ".out");
  } else if (!out.error.empty()) {
    wrong("cannot read " + s.golden_shown_base + ".out: " + out.error);
  } else {
    diff(out, o.out, ".out", "stdout");
  }
  if (!err.error.empty()) {
    wrong("cannot read " + s.golden_shown_base + ".err: " + err.error);
  } else {
    diff(err, o.err, ".err", "stderr");
  }
  std::optional<int> expected_status = 0;
  if (!exit.error.empty()) {
    wrong("cannot read " + s.golden_shown_base + ".exit: " + exit.error);
  } else if (exit.exists) {
    expected_status = parse_exit(exit.data);
    if (!expected_status)
      wrong("invalid golden file " + s.golden_shown_base + ".exit: expected a decimal exit status and a newline");
  }
  if (expected_status && *expected_status != o.status) {
    wrong("exit status: expected " + std::to_string(*expected_status) + ", got " + std::to_string(o.status));
    differs = true;
  }
  if (differs && out.exists) details += "to accept the new output: corun test --update " + shell_quote(s.shown) + "\n";
  return c;
}

// One scenario's result, as printed and as --junit reports it.
struct Verdict {
  bool passed = false;
  std::string message;  // why it failed, one line
  std::string report;   // the text after the FAIL line, without colour (when ctx.plain_report)
  int changed = 0;      // golden files written or removed
  int blocks = 0;       // expect: or ```output blocks rewritten
};

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string r;
  for (const std::string& p : parts) r += (r.empty() ? "" : sep) + p;
  return r;
}

// Prints the verdict for one scenario and returns it.
// Replaces the file at `real` with `text` atomically (as a golden file is
// written: a temporary beside it, fsync, rename; never through a link).
std::string rewrite_file(const fs::path& real, const std::string& text, const fs::path& cwd) {
  GoldenDir dir(real.parent_path(), "", shown_path(real.parent_path(), cwd), /*create=*/false);
  if (!dir.ok()) return dir.refusal();
  return dir.write(real.filename().string(), text);
}

// The golden files of a scenario with an expect: block ("" when none): it
// must have one or the other.
std::string inline_and_golden(const Scenario& s) {
  GoldenDir dir(s.golden_root, s.golden_dir, s.golden_shown_root, /*create=*/false);
  if (!dir.ok()) return "";
  std::string found;
  for (const char* suffix : kGoldenSuffixes)
    if (dir.exists(s.stem + suffix)) found += (found.empty() ? "" : ", ") + s.golden_shown_base + suffix;
  return found;
}

// A scenario checked against its own expect: block, or a Markdown block
// against its ```output block (stdout, and the exit status of `output
// exit=N`, default 0; stderr is shown on failure, not compared). With
// --update the block is rewritten: an expect: block at once, a document's
// output blocks all together after the run (ctx.md_updates).
Verdict judge_literate(const Scenario& s, const Outcome& o, Context& ctx) {
  Verdict v;
  std::string text, shown_expected;
  std::vector<std::string> what;
  bool markdown = s.kind == Scenario::Kind::kMarkdown;
  std::string file = markdown ? s.shown.substr(0, s.shown.find("::")) : s.shown;
  auto finish = [&](bool color) {
    std::string details;
    auto diff = [&](const std::string& expected, const std::string& actual, const std::string& label, const char* stream) {
      std::string d = unified_diff(expected, actual, label, std::string("actual ") + stream, color);
      if (d.empty()) return false;
      details += d;
      what.push_back(std::string(stream) + " differs from " + label);
      return true;
    };
    bool differs = false;
    int expected_exit = 0;
    if (markdown) {
      expected_exit = s.block.exit;
      if (s.block.output) {
        std::string label = file + ":" + std::to_string(s.block.output->line) + " (```output)";
        if (diff(s.expected, as_output_block(o.out), label, "stdout")) {
          details = file + ":" + std::to_string(s.block.output->line) + ": the output differs\n" + details;
          differs = true;
        }
      }
    } else {
      differs |= diff(s.expect.out, o.out, file + " (expect: stdout)", "stdout");
      differs |= diff(s.expect.err, o.err, file + " (expect: stderr)", "stderr");
      expected_exit = s.expect.exit;
    }
    if (o.status != expected_exit) {
      std::string line = "exit status: expected " + std::to_string(expected_exit) + ", got " + std::to_string(o.status);
      if (markdown) {
        line = file + ":" + std::to_string(s.block.output ? s.block.output->line : s.block.block.line) + ": " + line;
        if (!s.block.output) line += " (a ```yaml corun block without an ```output block must exit 0)";
      }
      details += line + "\n";
      what.push_back(line);
    }
    if (!details.empty() && markdown && !o.err.empty()) details += "its stderr:\n" + o.err + (o.err.back() == '\n' ? "" : "\n");
    if (differs && (s.block.output || !markdown))
      details += "to accept the new output: corun test --update " + shell_quote(file) + "\n";
    return details;
  };
  if (!markdown) {
    if (std::string golden = inline_and_golden(s); !golden.empty()) {
      text = s.shown + " has both an expect: block and golden files (" + golden +
             "); keep one: remove the golden files to keep the expect: block, or the expect: block to keep them\n";
      v.message = text.substr(0, text.size() - 1);
      v.report = text;
      emit(fail_line(s, o, ctx.color) + text);
      return v;
    }
  }
  text = finish(ctx.color);
  if (text.empty()) {
    v.passed = true;
    if (ctx.verbose) emit("PASS " + s.shown + " (" + seconds_text(o.seconds) + ")\n");
    return v;
  }
  int expected_exit = markdown ? s.block.exit : s.expect.exit;
  bool exit_fits = markdown ? o.status == expected_exit : true;
  if (ctx.update && exit_fits && (!markdown || s.block.output)) {
    if (markdown) {
      ctx.md_updates[s.yaml].emplace_back(*s.block.output, as_output_block(o.out));
      ctx.md_shown[s.yaml] = file;
      v.passed = true;
      v.blocks = 1;
      emit("updated " + file + ":" + std::to_string(s.block.output->line) + " (```output of " + s.name + ")\n");
      return v;
    }
    ScenarioFile current = read_scenario_file(s.yaml.string(), kDefaultMaxFileSize);
    std::string why = current.error;
    std::optional<std::string> rewritten;
    if (current.source) rewritten = replace_expect_block(current.source->text(), o.out, o.err, o.status, why);
    if (rewritten) why = rewrite_file(s.yaml, *rewritten, ctx.cwd);
    if (why.empty()) {
      v.passed = true;
      v.blocks = 1;
      emit("updated " + s.shown + " (expect:)\n");
      return v;
    }
    std::string line = "corun test: refusing to update the expect: block of " + s.shown + ": " + why + "\n";
    std::fputs(line.c_str(), stderr);
    text += line;
  }
  v.message = join(what, "; ");
  v.report = ctx.color ? finish(false) : text;
  emit(fail_line(s, o, ctx.color) + text);
  return v;
}

Verdict judge(const Scenario& s, const Outcome& o, Context& ctx) {
  Verdict v;
  std::string text;  // after the FAIL line
  auto fail = [&](const std::string& details) {
    emit(fail_line(s, o, ctx.color) + details);
    emit(github_test_failure(s.shown, details));  // "" unless GITHUB_ACTIONS=true
  };
  if (o.missing_out) {
    text = missing_message(s);
    v.message = "missing golden file " + s.golden_shown_base + ".out";
  } else if (!o.spawn_error.empty()) {
    text = o.spawn_error + "\n";
    v.message = o.spawn_error;
  } else if (!o.too_much.empty()) {
    text = "its " + o.too_much + " passed " + human_size(kMaxGoldenBytes) +
           "; it was stopped (no golden file holds that much)\n";
    v.message = text.substr(0, text.size() - 1);
  } else if (o.timed_out) {
    text = "timed out after " + format_seconds(ctx.timeout) + " s\n";
    v.message = text.substr(0, text.size() - 1);
  } else if (s.kind != Scenario::Kind::kGolden) {
    return judge_literate(s, o, ctx);
  } else if (ctx.update) {
    std::string updates, refusals;
    v.passed = update_golden(s, o, ctx, updates, refusals, v.changed);
    if (v.passed) {
      if (ctx.verbose) updates = "PASS " + s.shown + " (" + seconds_text(o.seconds) + ")\n" + updates;
      emit(updates);
      return v;
    }
    text = updates;
    v.report = updates + refusals;
    v.message = "the golden files could not be updated";
    fail(text);
    return v;
  } else {
    Comparison c = compare_with_golden(s, o, ctx, ctx.color);
    v.passed = c.details.empty();
    if (v.passed) {
      if (ctx.verbose) emit("PASS " + s.shown + " (" + seconds_text(o.seconds) + ")\n");
      return v;
    }
    text = c.details;
    v.message = join(c.what, "; ");
    if (ctx.plain_report) v.report = ctx.color ? compare_with_golden(s, o, ctx, false).details : c.details;
    fail(text);
    return v;
  }
  v.report = text;
  fail(text);
  return v;
}

// A Markdown block is the case `<file>.md::<name>` of its document's class.
void junit_case_names(const Scenario& s, JunitCase& c) {
  std::string shown = s.kind == Scenario::Kind::kMarkdown ? s.shown.substr(0, s.shown.find("::")) : s.shown;
  junit_names(shown, c.classname, c.name);
  c.file = shown;
  if (s.kind == Scenario::Kind::kMarkdown) c.name += "::" + s.name;
}

// Writes the new output blocks of each Markdown document (--update), every
// other byte as it was; a document that changed while its blocks ran, or a
// content that would close its block, is refused and fails.
int write_markdown_updates(const Context& ctx, std::string& tail) {
  int failed = 0;
  for (const auto& [real, contents] : ctx.md_updates) {
    const std::string& shown = ctx.md_shown.at(real);
    ScenarioFile file = read_scenario_file(real.string(), kDefaultMaxFileSize);
    std::string why = file.error;
    std::optional<std::string> text;
    if (file.source) {
      MdDoc doc = parse_markdown(file.source->text());
      for (const auto& [fence, content] : contents) {
        bool same = false;
        for (const MdScenario& b : doc.scenarios)
          same |= b.output && b.output->line == fence.line && b.output->begin == fence.begin && b.output->end == fence.end;
        if (!same) why = "it changed while its blocks ran";
      }
      if (why.empty()) text = replace_output_blocks(file.source->text(), contents, why);
    }
    if (text && *text == file.source->text()) continue;
    if (text) why = rewrite_file(real, *text, ctx.cwd);
    if (why.empty()) continue;
    std::fprintf(stderr, "corun test: refusing to update the output blocks of %s: %s\n", shown.c_str(), why.c_str());
    tail += fail_line(shown, ctx.color) + "its output blocks could not be updated: " + why + "\n";
    ++failed;
  }
  return failed;
}

// Whether `s` has no golden .out (then it is not even run).
bool golden_out_missing(const Scenario& s) {
  if (s.kind != Scenario::Kind::kGolden) return false;
  GoldenDir dir(s.golden_root, s.golden_dir, s.golden_shown_root, /*create=*/false);
  return dir.missing() || (dir.ok() && !dir.exists(s.stem + ".out"));
}

// insta's rule: CI set to anything but "", "0" or "false" (any case).
bool ci_environment() {
  const char* v = std::getenv("CI");
  if (v == nullptr) return false;
  std::string value = v;
  for (char& c : value) c = char(std::tolower(static_cast<unsigned char>(c)));
  return !value.empty() && value != "0" && value != "false";
}

// The slowest scenarios listed after the summary.
constexpr std::size_t kSlowestShown = 5;

std::string local_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm {};
  ::localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
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

  const Clock::time_point run_started = Clock::now();
  std::optional<Shard> shard;
  std::string shard_error;
  if (!options.shard.empty()) {
    shard = parse_shard(options.shard, shard_error);
    if (!shard) {
      std::fprintf(stderr, "corun: error: --shard: %s\n", shard_error.c_str());
      return 2;
    }
  } else if (shard = bazel_shard(shard_error); !shard_error.empty()) {
    std::fprintf(stderr, "corun test: %s\n", shard_error.c_str());
    return 2;
  }
  if (std::string why = touch_shard_status_file(); !why.empty()) {
    std::fprintf(stderr, "corun test: %s\n", why.c_str());
    return 2;
  }
  if (!options.junit.empty() && !check_outputs({{"--junit", options.junit}}, "")) return 2;

  std::vector<std::string> args, documents;
  for (const std::string& p : options.paths) (is_markdown(p) ? documents : args).push_back(p);
  for (const std::string& dir : options.md_dirs)
    if (int rc = find_markdown(dir, documents); rc != 0) return rc;
  bool defaulted = options.paths.empty() && options.md_dirs.empty();
  if (defaulted) args.emplace_back("scenarios");
  std::map<fs::path, Scenario> by_path;
  std::vector<TestedDir> dirs;
  std::vector<Problem> problems;
  if (!args.empty())
    if (int rc = collect(args, defaulted, options.golden_root, cwd, by_path, dirs, problems); rc != 0) return rc;
  std::set<std::string> explicit_documents;
  for (const std::string& p : options.paths)
    if (is_markdown(p)) explicit_documents.insert(p);
  for (const std::string& d : documents)
    if (int rc = collect_markdown(d, explicit_documents.count(d) > 0, cwd, by_path, problems); rc != 0) return rc;
  // A scenario with its own expect: block is checked against it.
  for (auto& [path, s] : by_path) {
    if (s.kind != Scenario::Kind::kGolden) continue;
    ScenarioFile file = read_scenario_file(s.yaml.string(), kDefaultMaxFileSize);
    if (!file.source) continue;  // its run says why
    if (std::optional<InlineExpect> e = find_inline_expect(file.source->text())) {
      s.kind = Scenario::Kind::kInline;
      s.expect = *e;
    }
  }
  // x.yaml and x.yml side by side would share their golden files: the
  // first in path order (x.yaml) keeps them.
  std::map<fs::path, const Scenario*> homes;
  for (auto it = by_path.begin(); it != by_path.end();) {
    const Scenario& s = it->second;
    if (s.kind == Scenario::Kind::kMarkdown) {
      ++it;
      continue;
    }
    auto [home, fresh] = homes.emplace(s.golden_root / s.golden_dir / s.stem, &s);
    if (fresh) {
      ++it;
      continue;
    }
    problems.push_back(problem(s.shown, "would share the golden files " + s.golden_shown_base + ".* of " +
                                            home->second->shown + "; rename one of them"));
    it = by_path.erase(it);
  }

  // -k, then the shard: both kinds dealt separately, so that shards are
  // balanced in what they run and every scenario is in exactly one shard.
  std::vector<const Scenario*> scenarios, skipped;
  for (const auto& [path, s] : by_path) {
    bool selected = selected_by(options.patterns, s.shown) || (!s.name.empty() && selected_by(options.patterns, s.name));
    (selected ? scenarios : skipped).push_back(&s);
  }
  if (!options.patterns.empty() && scenarios.empty()) {
    std::fprintf(stderr, "corun test: no scenario matches -k %s (%zu found)\n",
                 shell_quote(join(options.patterns, " -k ")).c_str(), skipped.size());
    return 2;
  }
  auto keep_shard = [&](std::vector<const Scenario*>& all) {
    if (!shard) return;
    std::vector<const Scenario*> kept;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (shard->has(i)) kept.push_back(all[i]);
    all = std::move(kept);
  };
  keep_shard(scenarios);
  keep_shard(skipped);
  // What is not a scenario's (problems, unused golden files...) is shard 1's
  // to report, when -k selects its path.
  auto reported_path = [&](const std::string& path) { return (!shard || shard->first()) && selected_by(options.patterns, path); };

  if (options.list) {
    std::string text;
    for (const Scenario* s : scenarios) text += s->shown + "\n";
    emit(text);
    return 0;
  }

  Context ctx;
  ctx.cwd = cwd;
  ctx.color = options.color;
  ctx.plain_report = !options.junit.empty();
  ctx.verbose = options.verbose;
  ctx.timeout = options.timeout_seconds;
  const char* update_env = std::getenv("CORUN_UPDATE");
  bool env_update = update_env != nullptr && *update_env != '\0' && std::strcmp(update_env, "0") != 0;
  ctx.update = options.update || env_update;
  std::string asked = options.update ? std::string("--update") : std::string("CORUN_UPDATE=") + (update_env ? update_env : "");
  if (ctx.update && options.ci) {
    std::fprintf(stderr, "refusing to update golden files (%s): --ci is given, and --ci never writes them\n", asked.c_str());
    ctx.update = false;
  } else if (ctx.update && ci_environment()) {
    std::fprintf(stderr, "refusing to update golden files (%s): CI is set (CI=%s)\n", asked.c_str(), std::getenv("CI"));
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
  int passed = 0, failed = 0, changed = 0, blocks = 0;
  std::vector<JunitCase> cases;
  std::vector<std::pair<double, std::string>> times;  // of the scenarios that ran

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
      if (!ctx.update && golden_out_missing(s)) {
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
      const Scenario& s = *scenarios[reported];
      const Outcome& o = *outcomes[reported];
      Verdict v = judge(s, o, ctx);
      ++(v.passed ? passed : failed);
      changed += v.changed;
      blocks += v.blocks;
      if (o.seconds > 0) times.emplace_back(o.seconds, s.shown);
      JunitCase c;
      junit_case_names(s, c);
      c.seconds = o.seconds;
      c.kind = v.passed ? JunitCase::Kind::kPassed : JunitCase::Kind::kFailed;
      c.message = v.message;
      c.details = v.report;
      if (ctx.plain_report) cases.push_back(std::move(c));
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

  std::string tail;
  failed += write_markdown_updates(ctx, tail);
  auto tree_failure = [&](const std::string& path, const std::string& line) {
    tail += line;
    ++failed;
    JunitCase c;
    c.classname = "corun test";
    c.name = path;
    c.kind = JunitCase::Kind::kFailed;
    c.message = line.substr(0, line.find('\n'));
    c.details = line;
    if (ctx.plain_report) cases.push_back(std::move(c));
  };
  for (const Problem& p : problems)
    if (reported_path(p.shown)) tree_failure(p.shown, fail_line(p.shown, ctx.color) + p.message + "\n");
  std::vector<Problem> golden_problems;
  Leftovers leftovers = find_leftovers(dirs, cwd, golden_problems);
  for (const Problem& p : golden_problems) {
    if (ctx.refused.count(p.shown)) continue;  // already failed the scenarios below it
    if (reported_path(p.shown)) tree_failure(p.shown, p.message + "\n");
  }
  for (const auto& [golden, yaml] : leftovers.unused) {
    std::string shown = shown_path(golden, cwd), scenario = shown_path(yaml, cwd);
    if (reported_path(shown) || reported_path(scenario))
      tree_failure(shown, "unused golden file " + shown + " (no " + scenario + ")\n");
  }
  for (const auto& [golden_root, file] : leftovers.temporaries) {
    std::string shown = shown_path(file, cwd);
    if (!reported_path(shown)) continue;
    if (!ctx.update) {
      tree_failure(shown, "leftover temporary file " + shown + " from an interrupted update (corun test --update removes it)\n");
      continue;
    }
    // Reached again from the golden root, following no link.
    fs::path rel = file.parent_path().lexically_relative(golden_root);
    if (rel == ".") rel.clear();
    bool removed = false;
    std::string why = GoldenDir(golden_root, rel, shown_path(golden_root, cwd), /*create=*/false)
                          .remove(file.filename().string(), removed);
    if (!why.empty()) {
      std::fprintf(stderr, "corun test: refusing to remove %s: %s\n", shown.c_str(), why.c_str());
      tree_failure(shown, "");
    } else if (removed) {
      tail += "removed leftover temporary file " + shown + "\n";
    }
  }
  for (const Scenario* s : skipped) {
    JunitCase c;
    junit_case_names(*s, c);
    c.kind = JunitCase::Kind::kSkipped;
    c.message = "not selected by -k " + shell_quote(join(options.patterns, " -k "));
    if (ctx.plain_report) cases.push_back(std::move(c));
  }

  std::string summary = std::to_string(passed) + " passed, " + std::to_string(failed) + " failed";
  if (!skipped.empty()) summary += ", " + std::to_string(skipped.size()) + " skipped (-k)";
  if (ctx.update) summary += ", " + std::to_string(changed) + " golden file" + (changed == 1 ? "" : "s") + " updated";
  if (blocks > 0) summary += ", " + std::to_string(blocks) + " block" + (blocks == 1 ? "" : "s") + " updated";
  if (shard) summary += " (shard " + shard->text() + ")";
  tail += summary + "\n";
  if (times.size() >= 2) {
    std::stable_sort(times.begin(), times.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (times.size() > kSlowestShown) times.resize(kSlowestShown);
    tail += "slowest:\n";
    for (const auto& [seconds, shown] : times) tail += "  " + seconds_text(seconds) + "  " + shown + "\n";
  }
  emit(tail);
  if (!options.junit.empty()) {
    double seconds = std::chrono::duration<double>(Clock::now() - run_started).count();
    if (!write_output_file(options.junit, junit_xml(cases, seconds, local_timestamp(), host_name()))) return 2;
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace corun::cli
