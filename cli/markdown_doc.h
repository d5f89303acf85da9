// A Markdown document as `corun test` and `corun export` read it: its
// fenced code blocks whose info string is `yaml corun` are scenarios, and
// the first block after one whose info string is `output` (before the next
// scenario block) is that scenario's expected stdout (README, "Literate
// tests"). Everything else is prose, never changed.
//
// Fences follow CommonMark: a line of at least three ``` or ~~~, indented by
// at most three spaces, opens a block that the next fence of the same
// character, at least as long and with no info string, closes (or the end of
// the document). An output block's content loses its fence's indentation;
// a scenario block's content is kept as it is, so that a scenario's own
// line:col is its line:col in the document (see scenario_source).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace corun::cli {

struct MdFence {
  int line = 0;                 // of the opening fence (1-based)
  std::size_t indent = 0;       // spaces before the fence
  std::size_t begin = 0;        // byte offset of its first content line
  std::size_t end = 0;          // byte offset of the closing fence line (the text's size if unclosed)
  std::size_t after = 0;        // byte offset just past the closing fence line
  bool closed = false;
  std::string info;             // the info string, trimmed
};

struct MdScenario {
  MdFence block;
  std::optional<MdFence> output;
  int exit = 0;       // `output exit=N`: the exit status it must have (default 0)
  std::string name;   // its `name:`, else the nearest heading above it, else "line N"
  std::string id;     // name, made unique in the document: "name", "name [2]", ...
};

struct MdDoc {
  std::vector<MdScenario> scenarios;
  std::string error;  // why corun cannot read the document (an unclosed scenario block, ...), at error_line
  int error_line = 0;
};

MdDoc parse_markdown(const std::string& text);

bool is_markdown(const std::string& path);  // named *.md

// The scenario's YAML as a file of its own: its block's lines at the lines
// they have in the document (the lines before it left empty), so every
// position the compiler reports is the document's.
std::string scenario_source(const std::string& text, const MdScenario& s);

// An output block's content, its fence's indentation removed.
std::string output_content(const std::string& text, const MdFence& f);

// What an output block holds for `stdout`: stdout itself, with a final
// newline added when it has none (a code block's last line always ends).
std::string as_output_block(const std::string& stdout_text);

// `text` with the content of each output block in `contents` (by the line
// of its opening fence) replaced, indented as its fence; every other byte
// unchanged. nullopt with `why` when a content would close its fence.
std::optional<std::string> replace_output_blocks(const std::string& text,
                                                 const std::vector<std::pair<MdFence, std::string>>& contents,
                                                 std::string& why);

}  // namespace corun::cli
