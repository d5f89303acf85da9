// SourceFile::render on positions the fuzzer produced: a column beyond the
// end of a long line (the window around the column) must still render.
#include <gtest/gtest.h>

#include <string>

#include "engine/load/diagnostics.h"

namespace corun {
namespace {

TEST(DiagnosticsRender, ColumnPastTheEndOfALongLine) {
  std::string long_line(300, 'x');
  SourceFile f("t.yaml", "a: 1\n" + long_line + "\nb: 2\n");
  for (int col : {301, 302, 400, 100000}) {
    Diagnostic d{SourcePos{2, col}, "bad", ""};
    std::string out = f.render(d);
    EXPECT_NE(out.find("t.yaml:2:" + std::to_string(col) + ": error: bad"), std::string::npos) << out;
    EXPECT_NE(out.find("  ...xxx"), std::string::npos) << "the line's tail is shown: " << out;
  }
}

}  // namespace
}  // namespace corun
