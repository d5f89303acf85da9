#include "cli/github_annotations.h"

#include <cstdlib>
#include <cstring>

namespace corun::cli {

bool in_github_actions() {
  const char* v = std::getenv("GITHUB_ACTIONS");
  return v && std::strcmp(v, "true") == 0;
}

namespace {

std::string escape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

// `s` without ANSI escape sequences (ESC [ ... final byte).
std::string without_colour(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033' && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !(s[i] >= '@' && s[i] <= '~')) ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::string escape_workflow_data(const std::string& s) { return escape(s, false); }
std::string escape_workflow_property(const std::string& s) { return escape(s, true); }

std::string workflow_error(const std::string& file, int line, int col, const std::string& message) {
  std::string out = "::error file=" + escape_workflow_property(file);
  if (line > 0) out += ",line=" + std::to_string(line);
  if (line > 0 && col > 0) out += ",col=" + std::to_string(col);
  return out + "::" + escape_workflow_data(without_colour(message)) + "\n";
}

namespace {

// Where the scenario's actual output (the added lines of the diff) points:
// its first error (`+name.yaml:12:5: error: ...`), else the innermost frame
// of a traceback (the last `+  name.yaml:12 in f`, where it raised); 1 when
// no line names the scenario.
int line_named(const std::string& diff, const std::string& scenario) {
  std::string base = scenario.substr(scenario.find_last_of('/') + 1) + ":";
  int last = 1;
  for (size_t at = diff.find("\n+"); at != std::string::npos; at = diff.find("\n+", at + 1)) {
    size_t end = diff.find('\n', at + 1);
    std::string line = diff.substr(at + 2, end == std::string::npos ? std::string::npos : end - at - 2);
    size_t name = line.find(base);
    if (name == std::string::npos || (name > 0 && line[name - 1] != ' ' && line[name - 1] != '/')) continue;
    size_t digits = name + base.size(), stop = digits;
    while (stop < line.size() && line[stop] >= '0' && line[stop] <= '9' && stop - digits < 9) ++stop;
    if (stop == digits) continue;
    int n = std::stoi(line.substr(digits, stop - digits));
    if (line.find(": error: ", stop) != std::string::npos) return n;
    last = n;
  }
  return last;
}

}  // namespace

std::string github_test_failure(const std::string& scenario, const std::string& report) {
  if (!in_github_actions()) return "";
  std::string text = without_colour(report);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  // GitHub shows an annotation's first lines; a long diff is cut.
  constexpr size_t kMaxMessage = 4000;
  if (text.size() > kMaxMessage) text = text.substr(0, kMaxMessage) + "\n...";
  return workflow_error(scenario, line_named("\n" + text, scenario), 0, "golden test failed" + (text.empty() ? std::string() : ":\n" + text));
}

}  // namespace corun::cli
