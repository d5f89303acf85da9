#include "cli/check_command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "cli/github_annotations.h"
#include "cli/scenario_file.h"
#include "engine/compile/code.h"
#include "engine/load/diagnostics.h"
#include "engine/schema/json.h"

namespace corun::cli {

namespace fs = std::filesystem;

namespace {

// The files a path stands for: itself, or a directory's scenarios.
std::vector<std::string> expand(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return {path};
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::string ext = it->path().extension().string();
    if ((ext == ".yaml" || ext == ".yml") && !it->is_directory(ec)) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) files.push_back(path);  // refused by name below: "it is a directory"
  return files;
}

// One file's diagnostics (none when it compiles), and its text for quoting.
struct Checked {
  std::shared_ptr<const SourceFile> source;
  std::vector<Diagnostic> diagnostics;
};

Checked check_file(const std::string& path, uint64_t max_bytes) {
  Checked c;
  ScenarioFile file = read_scenario_file(path, max_bytes);
  if (!file.source) {
    c.source = std::make_shared<SourceFile>(scenario_display_name(path), "");
    c.diagnostics.push_back(Diagnostic{{}, file.error, {}});
    return c;
  }
  c.source = file.source;
  try {
    compile_scenario(file.source);
  } catch (const ScenarioError& e) {
    c.diagnostics = e.diagnostics;
  }
  return c;
}

Json diagnostic_json(const std::string& file, const Diagnostic& d) {
  // A diagnostic about the whole file (it cannot be read) points at 1:1.
  int line = d.pos.line > 0 ? d.pos.line : 1;
  int col = d.pos.line > 0 ? std::max(d.pos.col, 1) : 1;
  return Json::object()
      .set("file", Json::string(file))
      .set("line", Json::number(line))
      .set("column", Json::number(col))
      .set("severity", Json::string("error"))
      .set("message", Json::string(d.message))
      .set("hint", d.hint.empty() ? Json() : Json::string(d.hint));
}

}  // namespace

int run_check(const CheckOptions& options) {
  bool json = options.format == "json";
  bool github = !json && in_github_actions();
  Json all = Json::array();
  size_t errors = 0, bad_files = 0, files = 0;
  for (const std::string& path : options.paths) {
    for (const std::string& f : expand(path)) {
      ++files;
      Checked c = check_file(f, options.max_file_size);
      if (c.diagnostics.empty()) continue;
      ++bad_files;
      errors += c.diagnostics.size();
      const std::string& name = c.source->name();  // `<stdin>` for `-`
      for (const Diagnostic& d : c.diagnostics) {
        if (json) {
          all.push(diagnostic_json(name, d));
          continue;
        }
        std::cerr << c.source->render(d, options.color);
        if (github) {
          std::string message = d.message + (d.hint.empty() ? "" : "\nhint: " + d.hint);
          std::cout << workflow_error(name, d.pos.line, d.pos.line > 0 ? std::max(d.pos.col, 1) : 0, message);
        }
      }
    }
  }
  if (json) {
    std::cout << all.dump() << "\n";
  } else if (errors > 0) {
    std::cerr << errors << (errors == 1 ? " error" : " errors") << " in " << bad_files << " of " << files
              << (files == 1 ? " file" : " files") << "\n";
  }
  std::cout << std::flush;
  return errors == 0 ? 0 : 2;
}

}  // namespace corun::cli
