// Errors in scenario text: every one names file:line:col, shows the line with
// a caret under the column, and where it can, suggests the fix.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/load/expr.h"

namespace corun {

struct Diagnostic {
  SourcePos pos;
  std::string message;
  std::string hint;  // optional "how to fix it" line
};

// Thrown when a scenario cannot be loaded; carries every error found.
struct ScenarioError : std::exception {
  std::vector<Diagnostic> diagnostics;
  explicit ScenarioError(std::vector<Diagnostic> d) : diagnostics(std::move(d)) {}
  ScenarioError(SourcePos pos, std::string msg, std::string hint = "")
      : diagnostics{Diagnostic{pos, std::move(msg), std::move(hint)}} {}
  const char* what() const noexcept override { return "invalid scenario"; }
};

// The scenario's text, kept to quote lines in messages.
class SourceFile {
 public:
  SourceFile(std::string display_name, std::string text);
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  std::string_view line(int n) const;  // 1-based; empty when out of range
  size_t line_offset(int n) const;     // byte offset where line n (1-based) starts; the text's size past the end
  // "file:line:col: error: message" + quoted line + caret + hint.
  std::string render(const Diagnostic& d, bool color = false) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

// Python's UTF-8 decoder's verdict on the byte sequence at text[i]: its
// length, or 0 with the reason CPython's codec gives ("invalid start byte",
// "invalid continuation byte", "unexpected end of data").
size_t utf8_sequence_length(std::string_view text, size_t i, const char*& reason);

// The closest candidate within a small edit distance, or "" (for "did you mean").
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace corun
