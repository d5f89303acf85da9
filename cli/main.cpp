// corun: the command line. Argument parsing and output only; the work is in
// engine/ (run a scenario) and test_runner.cpp (check scenarios against
// golden files).
//
// Exit status: 0 main returned; 1 main raised (traceback on stderr) or a
// golden test failed; 2 invalid scenario or command line; 3 a guard stopped
// a runaway run (deadlock, step or depth limit); 130 interrupted (Ctrl-C).
//
// The scenario path `-` is standard input, `<stdin>` in messages
// (scenario_file.h). A first word that is no command, no flag and no
// existing file, but close to a command (`corun tset`, `corun rn x.yaml`),
// is a usage error that names the command; any other first word is the
// scenario of `corun run`. Every option's default is shown by --help.
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <limits>
#include <cstring>
#include <set>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/check_command.h"
#include "cli/flags.h"
#include "cli/markdown_doc.h"
#include "cli/test_runner.h"
#include "cli/output_file.h"
#include "cli/scenario_file.h"
#include "cli/trace_outputs.h"
#include "engine/compile/code.h"
#include "engine/export/export.h"
#include "engine/load/diagnostics.h"
#include "engine/vm/interp.h"
#include "engine/load/yaml_doc.h"
#include "engine/schema/scenario_schema.h"

namespace {

// NO_COLOR (https://no-color.org) wins; FORCE_COLOR (https://force-color.org,
// any value but 0 or false) or CLICOLOR_FORCE (any but 0) colour even off a
// terminal; otherwise a terminal that is not dumb.
bool use_color(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* force = std::getenv("FORCE_COLOR");
  if (force && *force && std::strcmp(force, "0") != 0 && std::strcmp(force, "false") != 0) return true;
  const char* clicolor_force = std::getenv("CLICOLOR_FORCE");
  if (clicolor_force && *clicolor_force && std::strcmp(clicolor_force, "0") != 0) return true;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(fd);
}

std::string self_exe(const char* argv0) {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) return std::string(buf, size_t(n));
  return argv0;
}

// The scenario's text, or null after saying why it cannot be one, in the
// same `FILE: error: ...` form as the scenario's own errors.
std::shared_ptr<const corun::SourceFile> read_source(const std::string& path, uint64_t max_bytes) {
  corun::cli::ScenarioFile file = corun::cli::read_scenario_file(path, max_bytes);
  if (!file.source) {
    corun::SourceFile named(corun::cli::scenario_display_name(path), "");
    std::cerr << named.render(corun::Diagnostic{{}, file.error, {}}, use_color(STDERR_FILENO));
  }
  return file.source;
}

// A Markdown document's scenario blocks, or nullopt after saying why the
// document cannot be read (at its line, as a scenario's errors are).
std::optional<corun::cli::MdDoc> read_markdown(const corun::SourceFile& file) {
  corun::cli::MdDoc doc = corun::cli::parse_markdown(file.text());
  if (!doc.error.empty()) {
    std::cerr << file.render(corun::Diagnostic{{doc.error_line, 1}, doc.error, {}}, use_color(STDERR_FILENO));
    return std::nullopt;
  }
  return doc;
}

// `corun run FILE.md --block LINE`: the scenario of the ```yaml corun block
// whose fence is at LINE (0: the document's only one), as a file of its own
// named like the document, its lines at the document's lines.
std::shared_ptr<const corun::SourceFile> markdown_scenario(std::shared_ptr<const corun::SourceFile> md, int line) {
  std::optional<corun::cli::MdDoc> doc = read_markdown(*md);
  if (!doc) return nullptr;
  const corun::cli::MdScenario* chosen = nullptr;
  std::string lines;
  for (const corun::cli::MdScenario& s : doc->scenarios) {
    if (s.block.line == line || (line == 0 && doc->scenarios.size() == 1)) chosen = &s;
    lines += (lines.empty() ? "" : ", ") + std::to_string(s.block.line);
  }
  if (!chosen) {
    std::string why = doc->scenarios.empty() ? "it has no ```yaml corun block"
                      : line == 0 ? "it has " + std::to_string(doc->scenarios.size()) +
                                        " ```yaml corun blocks: say which with --block LINE (one of " + lines + ")"
                                  : "no ```yaml corun block opens at line " + std::to_string(line) + " (they open at " + lines + ")";
    std::cerr << md->render(corun::Diagnostic{{}, why, {}}, use_color(STDERR_FILENO));
    return nullptr;
  }
  return std::make_shared<const corun::SourceFile>(md->name(), corun::cli::scenario_source(md->text(), *chosen));
}

int report(const corun::ScenarioError& e, const corun::SourceFile& source) {
  bool color = use_color(STDERR_FILENO);
  for (auto& d : e.diagnostics) std::cerr << source.render(d, color);
  if (e.diagnostics.size() > 1) std::cerr << e.diagnostics.size() << " errors\n";
  return 2;
}

// The run's program and interpreter, never freed (see run_scenario); held
// here so that they stay reachable and LeakSanitizer reports only real leaks.
corun::Program* g_program = nullptr;
corun::Interp* g_interp = nullptr;

int run_scenario(const std::string& path, uint64_t max_bytes, const corun::RunOptions& options, bool debug_flag,
                 int block) {
  auto source = read_source(path, max_bytes);
  if (source && corun::cli::is_markdown(path)) source = markdown_scenario(source, block);
  if (!source) return 2;
  std::unique_ptr<corun::Program> program;
  try {
    program = corun::compile_scenario(source);
  } catch (const corun::ScenarioError& e) {
    return report(e, *source);
  }
  corun::RunOptions opts = options;
  opts.debug = debug_flag || program->debug;
  // The interpreter and the program are not freed: the process ends right
  // after, and freeing a big run's objects one by one only costs time (a
  // million tasks, the compiled prelude) or stack (a very deep await chain
  // frees recursively).
  g_program = program.release();
  g_interp = new corun::Interp(*g_program, opts);
  int status = g_interp->run();
  g_interp->flush_output();
  std::fflush(stdout);
  return status;
}

// The scenario's Python program, or nullopt after reporting its errors.
std::optional<std::string> python_program(const std::shared_ptr<const corun::SourceFile>& source) {
  try {
    auto program = corun::compile_scenario(source);
    return corun::export_python(corun::load_yaml(*source), *program, source->name());
  } catch (const corun::ScenarioError& e) {
    report(e, *source);
    return std::nullopt;
  }
}

// `corun export FILE.md`: the document with each ```yaml corun block
// replaced by a ```python block of its program (indented as its fence);
// every other byte as it was. Every block's errors are reported.
std::optional<std::string> export_markdown(const std::shared_ptr<const corun::SourceFile>& md) {
  std::optional<corun::cli::MdDoc> doc = read_markdown(*md);
  if (!doc) return std::nullopt;
  const std::string& text = md->text();
  std::string result;
  std::size_t at = 0;
  bool ok = true;
  for (const corun::cli::MdScenario& s : doc->scenarios) {
    auto source = std::make_shared<const corun::SourceFile>(md->name(), corun::cli::scenario_source(text, s));
    std::optional<std::string> python = python_program(source);
    if (!python) {
      ok = false;
      continue;
    }
    std::string indent(s.block.indent, ' '), block = indent + "```python\n";
    std::size_t i = 0;
    while (i < python->size()) {
      std::size_t nl = python->find('\n', i);
      std::size_t stop = nl == std::string::npos ? python->size() : nl + 1;
      block += (stop - i > 1 ? indent : "") + python->substr(i, stop - i);
      i = stop;
    }
    if (!block.empty() && block.back() != '\n') block += "\n";
    block += indent + "```\n";
    std::size_t fence_start = md->line_offset(s.block.line);
    result += text.substr(at, fence_start - at) + block;
    at = s.block.after;
    // A closing fence at the document's end without a newline keeps none.
    if (at == text.size() && !text.empty() && text.back() != '\n') result.pop_back();
  }
  if (!ok) return std::nullopt;
  return result + text.substr(at);
}

// `corun export`: the scenario as a Python program (a Markdown document
// with its scenarios as programs), on stdout or in a file.
int export_scenario(const std::string& path, uint64_t max_bytes, const std::string& output) {
  auto source = read_source(path, max_bytes);
  if (!source) return 2;
  std::optional<std::string> exported =
      corun::cli::is_markdown(path) ? export_markdown(source) : python_program(source);
  if (!exported) return 2;
  const std::string& python = *exported;
  if (output.empty() || output == "-") {
    std::cout << python << std::flush;
    return 0;
  }
  return corun::cli::write_output_file(output, python) ? 0 : 2;
}

// `corun tset`: the message for a first word that looks like a mistyped
// command rather than a scenario, or "" (then it is run as a scenario). A
// word naming an existing file, a path or a *.yaml is always a scenario.
std::string mistyped_command(const std::string& word, const std::set<std::string>& commands) {
  if (word.empty() || word[0] == '-' || word.find('/') != std::string::npos) return "";
  if (!std::filesystem::path(word).extension().empty()) return "";
  struct stat st {};
  if (::lstat(word.c_str(), &st) == 0) return "";
  std::string match = corun::closest_match(word, std::vector<std::string>(commands.begin(), commands.end()));
  if (match.empty()) return "";
  return "corun: error: unknown command '" + word + "'; did you mean '" + match + "'?\n(see corun --help)\n";
}

}  // namespace

static int corun_main(int argc, char** argv) {
  // `corun file.yaml` is `corun run file.yaml`.
  std::vector<std::string> args(argv + 1, argv + argc);
  static const std::set<std::string> commands = {"run", "test", "export", "check", "schema"};
  // `corun help` is `corun --help`, and `corun help run` is `corun run --help`.
  if (!args.empty() && args[0] == "help") {
    args.erase(args.begin());
    args = !args.empty() && commands.count(args[0]) ? std::vector<std::string>{args[0], "--help"}
                                                    : std::vector<std::string>{"--help"};
  }
  // ... and `corun --clock real file.yaml` is `corun run --clock real file.yaml`.
  static const std::set<std::string> top_level_flags = {"-h", "--help", "-V", "--version"};
  if (!args.empty() && !commands.count(args[0]) && !top_level_flags.count(args[0])) {
    std::set<std::string> known = commands;
    known.insert("help");
    if (std::string typo = mistyped_command(args[0], known); !typo.empty()) {
      std::cerr << typo;
      return 2;
    }
    args.insert(args.begin(), "run");
  }

  CLI::App app{"corun: run asyncio scenarios on CPython's event-loop semantics, on a virtual clock"};
  app.set_version_flag("-V,--version", std::string("corun ") + CORUN_VERSION);
  // --help shows each option's default (a default_str where the value as
  // stored would not read as a person writes it: 1G, not 1073741824).
  app.option_defaults()->always_capture_default();
  app.require_subcommand(0, 1);
  // Usage errors read like corun's others: `corun: error: --speed: ...`.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("corun: error: ") + e.what() + "\n(see corun --help)\n";
  });
  app.footer(
      "Usage: corun scenario.yaml    (same as: corun run scenario.yaml)\n"
      "Exit status: 0 ok; 1 the scenario raised / a golden test failed; 2 invalid scenario or usage;\n"
      "             3 a guard stopped a runaway run; 130 interrupted.");

  using corun::cli::byte_size;
  using corun::cli::real_number;
  using corun::cli::whole_number;
  // Every numeric flag has a range (README, "Commands"): a value must mean
  // something and must not overflow what it feeds.
  constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
  // A frame of the await chain costs ~90 bytes: ten million of them is
  // about as deep as fits in the 1 GiB corun allows itself.
  constexpr uint64_t kMaxDepthLimit = 10'000'000;
  auto max_file_size_option = [](CLI::App* cmd, uint64_t& bytes) {
    cmd->add_option("--max-file-size", bytes, "Refuse a scenario file larger than this")
        ->transform(byte_size(1, corun::cli::kLargestMaxFileSize))
        ->default_str(corun::cli::size_text(corun::cli::kDefaultMaxFileSize));
  };

  // The defaults are RunOptions' own (engine/vm/interp.h): one source.
  const corun::RunOptions defaults;
  std::string path;
  std::string clock = "virtual";
  double speed = defaults.speed;
  bool allow_network = defaults.allow_network;
  bool debug = defaults.debug;
  uint64_t max_steps = defaults.max_callbacks;
  int max_depth = defaults.max_depth;
  uint64_t max_busy = defaults.max_busy;
  uint64_t max_file_size = corun::cli::kDefaultMaxFileSize;
  uint64_t max_memory = uint64_t(defaults.max_memory);
  uint64_t max_spin = defaults.max_spin;
  CLI::App* run = app.add_subcommand("run", "Run a scenario and print what the Python program would print");
  run->add_option("scenario", path, "The scenario YAML file (- for standard input), or a Markdown file (*.md)")->required();
  int block = 0;
  run->add_option("--block", block,
                  "In a Markdown file: run the ```yaml corun block whose fence is at LINE (0: the only one)")
      ->type_name("LINE")
      ->transform(whole_number(0, std::numeric_limits<int>::max()))
      ->default_str("0");
  run->add_option("--clock", clock, "virtual (instant and repeatable) or real (wait on real timers)")
      ->check(CLI::IsMember({"virtual", "real"}));
  // Slower than 1/1000, a 1 s sleep waits over a quarter of an hour; faster
  // than a million, the loop clock (real nanoseconds times the speed, in 64
  // bits) would overflow within hours.
  run->add_option("--speed", speed, "With --clock real: run X times faster than real time")
      ->transform(real_number(0.001, 1'000'000));
  run->add_flag("--allow-network", allow_network,
                "With --clock real: let sockets bind and connect beyond loopback (127.0.0.0/8), which is all they "
                "may reach without it");
  run->add_flag("--debug", debug, "asyncio debug mode (as asyncio.run(..., debug=True))");
  run->add_option("--max-steps", max_steps, "Stop a runaway run after this many loop callbacks (0 = no limit)")
      ->transform(whole_number(0, kU64Max));
  run->add_option("--max-depth", max_depth, "Stop a run whose await chain is deeper than this")
      ->transform(whole_number(1, kMaxDepthLimit));
  run->add_option("--max-busy", max_busy, "Stop a task that runs this many instructions without awaiting")
      ->transform(whole_number(1, kU64Max));
  // Below 16 MiB corun cannot start (its compiled asyncio is counted too).
  run->add_option("--max-memory", max_memory,
                  "Memory the run may hold; past it one request raises MemoryError "
                  "and slow growth stops the run")
      ->transform(byte_size(uint64_t(16) << 20, uint64_t(1) << 40))
      ->default_str(corun::cli::size_text(max_memory));
  max_file_size_option(run, max_file_size);
  run->add_option("--max-spin", max_spin,
                  "Virtual clock: stop a run that holds the clock still for this many loop iterations while a timer waits "
                  "(polling with sleep(0); 0 = no limit)")
      ->transform(whole_number(0, kU64Max));
  corun::cli::TraceFlags trace;  // docs/tracing.md
  run->add_flag("--trace", trace.trace, "Log every scheduling event on stderr as it happens");
  run->add_option("--trace-file", trace.trace_file, "Write the --trace log to FILE instead");
  run->add_flag("--timeline", trace.timeline, "After the run, draw each task's timeline on stderr");
  run->add_option("--width", trace.width, "Columns for --timeline (auto: $COLUMNS, the terminal's, or 80)")
      ->transform(whole_number(corun::cli::kMinTimelineWidth, corun::cli::kMaxTimelineWidth))
      ->default_str("auto");
  run->add_option("--trace-json", trace.trace_json, "Write a Chrome/Perfetto trace (JSON) of the run to FILE");
  run->add_option("--timeline-svg", trace.timeline_svg, "Write the timeline as an SVG chart to FILE");

  corun::cli::GoldenOptions golden;
  CLI::App* test = app.add_subcommand("test", "Run scenarios and compare stdout, stderr and exit status with golden files");
  test->add_option("paths", golden.paths, "Scenario files or directories, or Markdown documents (*.md)")
      ->default_str("./scenarios");
  test->add_option("--md", golden.md_dirs,
                   "Also test every Markdown document (*.md) below DIR: its ```yaml corun blocks (repeatable)")
      ->type_name("DIR")
      ->allow_extra_args(false)
      ->default_str("none");
  test->add_option("-j,--jobs", golden.jobs, "Scenarios to run in parallel (nproc: the number of cores)")
      ->transform(whole_number(1, corun::cli::kMaxJobs))
      ->default_str("nproc");
  test->add_flag("-u,--update", golden.update, "Rewrite the golden files from the actual output (never when CI is set)");
  test->add_option("--timeout", golden.timeout_seconds, "Seconds a scenario may run before it fails (0 = no limit)")
      ->transform(real_number(0, corun::cli::kMaxTimeoutSeconds));
  test->add_option("-k", golden.patterns,
                   "Only scenarios whose path contains PATTERN, or matches it as a glob if it has a * (repeatable)")
      ->option_text("PATTERN")
      ->allow_extra_args(false);
  test->add_flag("--list", golden.list, "Print the selected scenario paths, one a line, without running them");
  test->add_option("--shard", golden.shard,
                   "Run shard K of N (1-based): the selected scenarios in path order, dealt round-robin "
                   "(none: all, or Bazel's TEST_SHARD_INDEX/TEST_TOTAL_SHARDS when set)")
      ->type_name("K/N")
      ->default_str("none");
  test->add_option("--junit", golden.junit, "Also write the results to FILE as JUnit XML")->option_text("FILE");
  test->add_flag("-v,--verbose", golden.verbose, "Also print a PASS line with its time for each passing scenario");
  test->add_flag("--ci", golden.ci, "Never write golden files, even with --update or CORUN_UPDATE (as when CI is set)");
  test->add_option("--golden", golden.golden_root,
                   "The golden tree of the scenarios given: DIR/<p>.out for scenarios/<p>.yaml "
                   "(default: the golden/ beside scenarios/)")
      ->default_str("scenarios/../golden");

  std::string export_path, export_output;
  uint64_t export_max_file_size = corun::cli::kDefaultMaxFileSize;
  CLI::App* exp = app.add_subcommand("export", "Print the scenario as the equivalent Python 3.11 asyncio program");
  exp->add_option("scenario", export_path,
                  "The scenario YAML file (- for standard input), or a Markdown file (*.md): the document with "
                  "each ```yaml corun block as a ```python block")
      ->required();
  exp->add_option("-o,--output", export_output, "Write the program to this file instead of stdout");
  max_file_size_option(exp, export_max_file_size);

  corun::cli::CheckOptions check_options;
  check_options.max_file_size = corun::cli::kDefaultMaxFileSize;
  CLI::App* check = app.add_subcommand("check", "Load and compile scenarios without running them; report every error");
  check->add_option("paths", check_options.paths, "Scenario files, or directories of them (*.yaml, *.yml)")->required();
  check->add_option("--format", check_options.format, "text (default: as corun run reports) or json (one array on stdout)")
      ->check(CLI::IsMember({"text", "json"}));
  max_file_size_option(check, check_options.max_file_size);

  CLI::App* schema = app.add_subcommand("schema", "Print the JSON Schema (draft 2020-12) of scenario files, for editors");

  std::vector<const char*> cargs;
  cargs.push_back(argv[0]);
  for (auto& a : args) cargs.push_back(a.c_str());
  try {
    app.parse(int(cargs.size()), const_cast<char**>(cargs.data()));
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  // --speed scales real timers: on the virtual clock it would mean nothing.
  if (*run && run->count("--speed") && clock != "real") {
    std::cerr << "corun: error: --speed: needs --clock real (the virtual clock does not wait, so there is no "
                 "speed to change)\n(see corun --help)\n";
    return 2;
  }
  // The virtual network is loopback only: there is nothing else to reach.
  if (*run && allow_network && clock != "real") {
    std::cerr << "corun: error: --allow-network: needs --clock real (the virtual clock's network has only "
                 "loopback addresses, so there is nothing else to reach)\n(see corun --help)\n";
    return 2;
  }

  if (*run && run->count("--block") && !corun::cli::is_markdown(path)) {
    std::cerr << "corun: error: --block: only a Markdown file (*.md) has blocks\n(see corun --help)\n";
    return 2;
  }

  if (*run) {
    bool reads_stdin = path == corun::cli::kStdinPath;
    corun::RunOptions options;
    options.clock = clock == "real" ? corun::ClockMode::Real : corun::ClockMode::Virtual;
    options.speed = speed;
    options.allow_network = allow_network;
    options.max_callbacks = max_steps;
    options.max_depth = max_depth;
    options.max_busy = max_busy;
    options.max_memory = int64_t(max_memory);
    if (!corun::cli::check_outputs({{"--trace-file", trace.trace_file},
                                     {"--trace-json", trace.trace_json},
                                     {"--timeline-svg", trace.timeline_svg}},
                                    reads_stdin ? "" : path))
      return 2;
    options.max_spin = max_spin;
    corun::cli::TraceOutputs outputs(trace, corun::cli::scenario_display_name(path));
    if (!outputs.open()) return 2;
    options.tracer = outputs.tracer();
    int status = run_scenario(path, max_file_size, options, debug, block);
    if (!outputs.finish() && status == 0) status = 2;
    return status;
  }
  if (*test) {
    golden.corun_exe = self_exe(argv[0]);
    golden.color = use_color(STDOUT_FILENO);
    return corun::cli::run_golden_tests(golden);
  }
  if (*check) {
    check_options.color = use_color(STDERR_FILENO);
    return corun::cli::run_check(check_options);
  }
  if (*schema) {
    std::cout << corun::scenario_schema().dump() << "\n" << std::flush;
    return 0;
  }
  if (*exp) {
    if (!corun::cli::check_outputs({{"-o", export_output}}, export_path == corun::cli::kStdinPath ? "" : export_path))
      return 2;
    return export_scenario(export_path, export_max_file_size, export_output);
  }
  std::cout << app.help();
  return 0;
}

// corun runs on a thread of its own with a stack of known size, so that how
// deep a scenario may go (Python's recursion limit, nested data, long
// expressions) never depends on the user's `ulimit -s`: a 1 MiB stack
// crashed a 990-deep recursion, and a sanitized build needs several times
// the default 8 MiB. The stack is reserved address space; only the pages a
// run touches are used.
namespace {

constexpr size_t kStackBytes = size_t(1) << 30;

struct MainArgs {
  int argc;
  char** argv;
  int status;
};

void* run_main(void* p) {
  auto* a = static_cast<MainArgs*>(p);
  a->status = corun_main(a->argc, a->argv);
  std::fflush(stdout);
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  MainArgs args{argc, argv, 2};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, kStackBytes) == 0 &&
      pthread_create(&thread, &attr, run_main, &args) == 0) {
    pthread_join(thread, nullptr);
  } else {
    run_main(&args);  // no thread to be had: the process's own stack
  }
  return args.status;
}
