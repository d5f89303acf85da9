// Reading a Markdown document's scenario and output blocks (markdown_doc.h).
#include "cli/markdown_doc.h"

#include <map>
#include <sstream>

namespace corun::cli {
namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

struct Line {
  std::size_t begin, end, next;  // end: before '\n'; next: the next line's start
};

std::vector<Line> split_lines(const std::string& text) {
  std::vector<Line> lines;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t nl = text.find('\n', i);
    if (nl == std::string::npos) {
      lines.push_back({i, text.size(), text.size()});
      break;
    }
    lines.push_back({i, nl, nl + 1});
    i = nl + 1;
  }
  return lines;
}

// A fence line: its indentation, character, length and info string.
struct FenceLine {
  std::size_t indent = 0, length = 0;
  char ch = 0;
  std::string info;
};

std::optional<FenceLine> fence_line(const std::string& line) {
  FenceLine f;
  while (f.indent < line.size() && line[f.indent] == ' ') ++f.indent;
  if (f.indent > 3 || f.indent >= line.size()) return std::nullopt;
  f.ch = line[f.indent];
  if (f.ch != '`' && f.ch != '~') return std::nullopt;
  std::size_t i = f.indent;
  while (i < line.size() && line[i] == f.ch) ++i;
  f.length = i - f.indent;
  if (f.length < 3) return std::nullopt;
  f.info = trim(line.substr(i));
  if (f.ch == '`' && f.info.find('`') != std::string::npos) return std::nullopt;
  return f;
}

// `# Heading` (ATX) text, or nullopt.
std::optional<std::string> heading(const std::string& line) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  std::size_t hashes = 0;
  while (i + hashes < line.size() && line[i + hashes] == '#') ++hashes;
  if (hashes == 0 || hashes > 6) return std::nullopt;
  std::size_t after = i + hashes;
  if (after < line.size() && line[after] != ' ' && line[after] != '\t') return std::nullopt;
  std::string t = trim(line.substr(after));
  while (!t.empty() && t.back() == '#') t.pop_back();  // closing sequence
  t = trim(t);
  // Inline code marks are markup, not the name.
  std::string plain;
  for (char c : t)
    if (c != '`') plain += c;
  return plain;
}

// A scenario's own `name:` (a top-level key of its block), unquoted.
std::string name_key(const std::string& content, std::size_t indent) {
  std::istringstream in(content);
  for (std::string line; std::getline(in, line);) {
    std::size_t i = line.find_first_not_of(' ');
    if (i != indent || line.compare(i, 5, "name:") != 0) continue;
    std::string v = trim(line.substr(i + 5));
    if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0]) v = v.substr(1, v.size() - 2);
    if (!v.empty() && v[0] != '#') return v;
  }
  return "";
}

bool is_scenario_info(const std::string& info) {
  std::vector<std::string> w = words(info);
  if (w.empty() || (w[0] != "yaml" && w[0] != "yml")) return false;
  for (std::size_t i = 1; i < w.size(); ++i)
    if (w[i] == "corun") return true;
  return false;
}

}  // namespace

bool is_markdown(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".md") == 0;
}

MdDoc parse_markdown(const std::string& text) {
  MdDoc doc;
  std::vector<Line> lines = split_lines(text);
  std::string last_heading;
  std::optional<std::size_t> open_scenario;  // index of the scenario still waiting for its output block
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string line = text.substr(lines[n].begin, lines[n].end - lines[n].begin);
    std::optional<FenceLine> open = fence_line(line);
    if (!open) {
      if (std::optional<std::string> h = heading(line)) last_heading = *h;
      continue;
    }
    MdFence f;
    f.line = int(n + 1);
    f.indent = open->indent;
    f.info = open->info;
    f.begin = lines[n].next;
    f.end = f.after = text.size();
    std::size_t close = n + 1;
    for (; close < lines.size(); ++close) {
      std::string c = text.substr(lines[close].begin, lines[close].end - lines[close].begin);
      std::optional<FenceLine> fl = fence_line(c);
      if (fl && fl->ch == open->ch && fl->length >= open->length && fl->info.empty()) {
        f.closed = true;
        f.end = lines[close].begin;
        f.after = lines[close].next;
        break;
      }
    }
    std::vector<std::string> w = words(f.info);
    if (is_scenario_info(f.info)) {
      if (!f.closed) {
        doc.error_line = f.line;
        doc.error = "the ```" + f.info + " block is never closed";
        return doc;
      }
      MdScenario s;
      s.block = f;
      s.name = name_key(text.substr(f.begin, f.end - f.begin), f.indent);
      if (s.name.empty()) s.name = last_heading;
      if (s.name.empty()) s.name = "line " + std::to_string(f.line);
      doc.scenarios.push_back(s);
      open_scenario = doc.scenarios.size() - 1;
    } else if (!w.empty() && w[0] == "output" && open_scenario) {
      if (!f.closed) {
        doc.error_line = f.line;
        doc.error = "the ```output block is never closed";
        return doc;
      }
      MdScenario& s = doc.scenarios[*open_scenario];
      s.output = f;
      for (std::size_t i = 1; i < w.size(); ++i) {
        const std::string& a = w[i];
        bool ok = a.rfind("exit=", 0) == 0 && a.size() > 5 && a.size() <= 8 &&
                  a.find_first_not_of("0123456789", 5) == std::string::npos && std::stoi(a.substr(5)) <= 255;
        if (!ok) {
          doc.error_line = f.line;
          doc.error = "unknown word '" + a + "' after ```output (only exit=N, N from 0 to 255)";
          return doc;
        }
        s.exit = std::stoi(a.substr(5));
      }
      open_scenario.reset();
    }
    n = f.closed ? close : lines.size();
  }
  std::map<std::string, int> seen;
  for (MdScenario& s : doc.scenarios) {
    int k = ++seen[s.name];
    s.id = k == 1 ? s.name : s.name + " [" + std::to_string(k) + "]";
  }
  return doc;
}

std::string scenario_source(const std::string& text, const MdScenario& s) {
  return std::string(std::size_t(s.block.line), '\n') + text.substr(s.block.begin, s.block.end - s.block.begin);
}

std::string output_content(const std::string& text, const MdFence& f) {
  std::string out;
  std::size_t i = f.begin;
  while (i < f.end) {
    std::size_t nl = text.find('\n', i);
    std::size_t stop = nl == std::string::npos || nl >= f.end ? f.end : nl + 1;
    std::size_t skip = 0;
    while (skip < f.indent && i + skip < stop && text[i + skip] == ' ') ++skip;
    out += text.substr(i + skip, stop - i - skip);
    i = stop;
  }
  return out;
}

std::string as_output_block(const std::string& stdout_text) {
  if (!stdout_text.empty() && stdout_text.back() != '\n') return stdout_text + "\n";
  return stdout_text;
}

std::optional<std::string> replace_output_blocks(const std::string& text,
                                                 const std::vector<std::pair<MdFence, std::string>>& contents,
                                                 std::string& why) {
  std::map<std::size_t, std::pair<MdFence, std::string>> by_offset;
  for (const auto& c : contents) by_offset.emplace(c.first.begin, c);
  std::string result;
  std::size_t at = 0;
  for (const auto& [begin, c] : by_offset) {
    const MdFence& f = c.first;
    std::string indent(f.indent, ' '), body;
    std::size_t i = 0;
    while (i < c.second.size()) {
      std::size_t nl = c.second.find('\n', i);
      std::size_t stop = nl == std::string::npos ? c.second.size() : nl + 1;
      std::string line = c.second.substr(i, stop - i);
      std::string bare = line.substr(0, line.size() - (line.back() == '\n'));
      if (std::optional<FenceLine> fl = fence_line(bare); fl && fl->info.empty()) {
        why = "line " + std::to_string(f.line) + ": the new output has a line (" + bare +
              ") that would close its ```output block";
        return std::nullopt;
      }
      body += (bare.empty() ? "" : indent) + line;
      i = stop;
    }
    result += text.substr(at, begin - at) + body;
    at = f.end;
  }
  return result + text.substr(at);
}

}  // namespace corun::cli
