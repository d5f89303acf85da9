// A scenario's `expect:` block: the output it declares inline, which `corun
// test` checks instead of golden files (docs/language.md, "expect").
//
//   expect:
//     stdout: |
//       hello
//     stderr: "..."     # optional; missing = empty
//     exit: 1           # optional; missing = 0
//
// The compiler checks the block's shape (a run ignores it; export drops it);
// here it is read for `corun test` and rewritten by `--update`. A rewrite
// replaces only the block's own lines -- from the `expect:` line to its last
// indented line -- so every other byte of the file (comments, quoting, key
// order, the lines after it) stays as it was.
#pragma once

#include <optional>
#include <string>

namespace corun::cli {

struct InlineExpect {
  std::string out, err;
  int exit = 0;
  // The block's bytes in the file: [begin, end), whole lines. Only set when
  // `expect:` is a top-level key at column 1 (block style), else npos.
  std::size_t begin = std::string::npos, end = std::string::npos;
};

// The `expect:` of a scenario's text, or nullopt when it has none. A text
// that is no YAML, or an `expect:` the compiler would refuse, also gives
// nullopt: then the run says why (exit 2), compared with the golden files.
std::optional<InlineExpect> find_inline_expect(const std::string& text);

// The block for these outputs: `expect:` and its `stdout`, then `stderr`
// when non-empty and `exit` when non-zero, each text a literal block
// scalar (`|`, or `|-` without a final newline) or, when no block scalar
// can hold it exactly, a double-quoted string.
std::string render_expect_block(const std::string& out, const std::string& err, int exit);

// `text` with its `expect:` block replaced by the one for these outputs;
// nullopt with `why` set when the block cannot be rewritten (a flow-style
// document, or a result that would not read back as these outputs).
std::optional<std::string> replace_expect_block(const std::string& text, const std::string& out,
                                                const std::string& err, int exit, std::string& why);

}  // namespace corun::cli
