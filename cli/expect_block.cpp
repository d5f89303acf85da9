// Reading and rewriting a scenario's `expect:` block (expect_block.h).
#include "cli/expect_block.h"

#include <cstdio>

#include "engine/load/diagnostics.h"
#include "engine/load/yaml_doc.h"

namespace corun::cli {
namespace {

bool blank(const std::string& text, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i)
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
  return true;
}

// Where the block that starts at line `line` (a top-level key at column 1)
// ends: after its last line that is indented and not blank, before the next
// line that starts at column 1 (the next key, a comment of its own, `---`).
std::size_t block_end(const SourceFile& file, int line) {
  const std::string& text = file.text();
  std::size_t end = file.line_offset(line + 1);
  for (int n = line + 1; file.line_offset(n) < text.size(); ++n) {
    std::size_t from = file.line_offset(n), to = file.line_offset(n + 1);
    if (blank(text, from, to)) continue;
    if (text[from] != ' ' && text[from] != '\t') break;
    end = to;
  }
  return end;
}

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  if (trailing > 1) return true;  // `|+` would take the blank lines after it
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
  // The first line sets the block's indentation: it must not start blank;
  // a line of spaces only would read back as an empty one.
  if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n') return true;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    if (nl > start && blank(s, start, nl)) return true;
    start = nl + 1;
  }
  return false;
}

std::string double_quoted(const std::string& s) {
  std::string q = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': q += "\\\""; break;
      case '\\': q += "\\\\"; break;
      case '\n': q += "\\n"; break;
      case '\t': q += "\\t"; break;
      case '\r': q += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          q += buf;
        } else {
          q += char(c);
        }
    }
  }
  return q + "\"";
}

// `  key: ` and the text, as a block scalar indented 4 or a quoted string.
std::string entry(const char* key, const std::string& s) {
  std::string r = std::string("  ") + key + ":";
  if (needs_quotes(s)) return r + " " + double_quoted(s) + "\n";
  r += s.back() == '\n' ? " |\n" : " |-\n";
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    if (nl > start) r += "    " + s.substr(start, nl - start);
    r += "\n";
    start = nl + 1;
  }
  return r;
}

}  // namespace

std::optional<InlineExpect> find_inline_expect(const std::string& text) {
  if (text.find("expect") == std::string::npos) return std::nullopt;  // most scenarios: no parse
  SourceFile file("", text);
  YNode root;
  try {
    root = load_yaml(file);
  } catch (const ScenarioError&) {
    return std::nullopt;
  }
  if (root.kind != YNode::Kind::Map) return std::nullopt;
  for (const YPair& pair : root.pairs) {
    if (pair.first.value != "expect") continue;
    const YNode& block = pair.second;
    const YNode* out = block.get("stdout");
    if (block.kind != YNode::Kind::Map || !out || !out->is_scalar()) return std::nullopt;
    InlineExpect e;
    e.out = out->value;
    if (const YNode* err = block.get("stderr")) {
      if (!err->is_scalar()) return std::nullopt;
      e.err = err->value;
    }
    if (const YNode* exit = block.get("exit")) {
      if (!exit->is_plain() || exit->value.empty() || exit->value.size() > 3 ||
          exit->value.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      e.exit = std::stoi(exit->value);
      if (e.exit > 255) return std::nullopt;
    }
    if (pair.first.pos.col == 1 && pair.first.pos.line >= 1) {
      e.begin = file.line_offset(pair.first.pos.line);
      e.end = block_end(file, pair.first.pos.line);
    }
    return e;
  }
  return std::nullopt;
}

std::string render_expect_block(const std::string& out, const std::string& err, int exit) {
  std::string r = "expect:\n" + entry("stdout", out);
  if (!err.empty()) r += entry("stderr", err);
  if (exit != 0) r += "  exit: " + std::to_string(exit) + "\n";
  return r;
}

std::optional<std::string> replace_expect_block(const std::string& text, const std::string& out,
                                                const std::string& err, int exit, std::string& why) {
  std::optional<InlineExpect> old = find_inline_expect(text);
  if (!old) {
    why = "its expect: block cannot be read";
    return std::nullopt;
  }
  if (old->begin == std::string::npos) {
    why = "its expect: is not a top-level key in block style (`expect:` at the start of a line)";
    return std::nullopt;
  }
  std::string block = render_expect_block(out, err, exit);
  // The block ended a file without a final newline: so does the new one.
  if (old->end == text.size() && !text.empty() && text.back() != '\n') block.pop_back();
  std::string result = text.substr(0, old->begin) + block + text.substr(old->end);
  std::optional<InlineExpect> back = find_inline_expect(result);
  if (!back || back->out != out || back->err != err || back->exit != exit) {
    why = "the new expect: block would not read back as the actual output";
    return std::nullopt;
  }
  return result;
}

}  // namespace corun::cli
