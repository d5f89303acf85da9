#pragma once
// Line-based unified diff in the format of `diff -u` (3 lines of context),
// used by `corun test` to show how actual output differs from golden files.

#include <string>
#include <string_view>

namespace corun::cli {

// Returns "" when `expected` and `actual` are byte-for-byte equal. Otherwise
// returns a complete unified diff: the header lines `--- <expected_label>` and
// `+++ <actual_label>` followed by `@@ -a,b +c,d @@` hunks, each line ending in
// "\n". A last line without a newline is followed by
// `\ No newline at end of file`, exactly like `diff -u`. With `color`, removed
// lines are red, added lines green, hunk headers cyan and file headers bold
// (the same SGR codes as `diff --color`).
//
// The line matching is a minimal Myers diff after stripping the common prefix
// and suffix. To bound time and memory on huge inputs, when both differing
// middles exceed 20000 lines, or the edit distance grows too large, the
// differing middle is shown as one block of removals followed by additions
// (still a correct diff, just not a minimal one).
std::string unified_diff(std::string_view expected, std::string_view actual,
                         std::string_view expected_label, std::string_view actual_label,
                         bool color);

}  // namespace corun::cli
