// libFuzzer target: any bytes as one scalar of a scenario — an expression, an
// f-string template or an assignment target — through corun's expression
// parser. The parser is where most of a scenario's text goes; here it runs
// at parser speed (hundreds of thousands of inputs a second), not at the
// speed of a whole run. A crash, a sanitizer report, a hang or unbounded
// memory is a bug: a bad expression is a ParseError, never anything else.
//
// Built with -DCORUN_FUZZ=ON (clang); run with tests/fuzz/run_fuzzer --target fuzz_expr.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/load/expr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks what the rest is, as the compiler would read it.
  uint8_t mode = data[0] % 3;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  corun::SourcePos origin{1, 1};
  try {
    switch (mode) {
      case 0: (void)corun::parse_expression(text, origin); break;
      case 1: (void)corun::parse_template(text, origin); break;
      default: (void)corun::parse_target(text, origin); break;
    }
  } catch (const corun::ParseError&) {
    // Refused input, with a position and a message: the expected outcome.
  }
  return 0;
}
