// Unit tests for cli/unified_diff.
//
// The unit-test binary links corun_engine only, not the CLI sources, so this
// file compiles the diff implementation itself: unified_diff is a
// header-plus-source pair that depends on nothing but the standard library,
// and we include its .cpp here (it is compiled into no other target of this
// binary, so there is no duplicate definition).
#include "cli/unified_diff.cpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using corun::cli::unified_diff;

// Lines from..to (inclusive), each followed by "\n", like `seq from to`.
std::string seq(int from, int to) {
  std::string s;
  for (int i = from; i <= to; ++i) s += std::to_string(i) + "\n";
  return s;
}

std::string replace_line(const std::string& text, const std::string& from, const std::string& to) {
  std::string needle = "\n" + from + "\n";
  std::string padded = "\n" + text;
  auto pos = padded.find(needle);
  if (pos == std::string::npos) return text;
  padded.replace(pos, needle.size(), "\n" + to + "\n");
  return padded.substr(1);
}

// The expected strings below are what GNU `diff -u` (diffutils 3.8) prints
// for the same inputs, with its two header lines replaced by ours.
const std::string kHeader = "--- expected\n+++ actual\n";

std::string diff(const std::string& a, const std::string& b) {
  return unified_diff(a, b, "expected", "actual", false);
}

TEST(UnifiedDiff, EqualInputsGiveEmptyString) {
  EXPECT_EQ(diff("", ""), "");
  EXPECT_EQ(diff(seq(1, 20), seq(1, 20)), "");
  EXPECT_EQ(diff("no newline", "no newline"), "");
}

TEST(UnifiedDiff, OneChangedLineInTheMiddle) {
  EXPECT_EQ(diff(seq(1, 20), replace_line(seq(1, 20), "10", "ten")),
            kHeader +
                "@@ -7,7 +7,7 @@\n"
                " 7\n"
                " 8\n"
                " 9\n"
                "-10\n"
                "+ten\n"
                " 11\n"
                " 12\n"
                " 13\n");
}

TEST(UnifiedDiff, UsesTheGivenLabels) {
  std::string d = unified_diff("a\n", "b\n", "golden/x.out", "actual stdout", false);
  EXPECT_EQ(d, "--- golden/x.out\n+++ actual stdout\n@@ -1 +1 @@\n-a\n+b\n");
}

TEST(UnifiedDiff, InsertionAtStart) {
  EXPECT_EQ(diff(seq(1, 10), "new\n" + seq(1, 10)),
            kHeader +
                "@@ -1,3 +1,4 @@\n"
                "+new\n"
                " 1\n"
                " 2\n"
                " 3\n");
}

TEST(UnifiedDiff, DeletionAtEnd) {
  EXPECT_EQ(diff(seq(1, 10), seq(1, 9)),
            kHeader +
                "@@ -7,4 +7,3 @@\n"
                " 7\n"
                " 8\n"
                " 9\n"
                "-10\n");
}

TEST(UnifiedDiff, MissingTrailingNewlineInActual) {
  EXPECT_EQ(diff("a\nb\n", "a\nb"),
            kHeader +
                "@@ -1,2 +1,2 @@\n"
                " a\n"
                "-b\n"
                "+b\n"
                "\\ No newline at end of file\n");
}

TEST(UnifiedDiff, MissingTrailingNewlineInExpected) {
  EXPECT_EQ(diff("a\nb", "a\nb\n"),
            kHeader +
                "@@ -1,2 +1,2 @@\n"
                " a\n"
                "-b\n"
                "\\ No newline at end of file\n"
                "+b\n");
}

TEST(UnifiedDiff, NeitherSideEndsInNewline) {
  EXPECT_EQ(diff("a\nb", "a\nc"),
            kHeader +
                "@@ -1,2 +1,2 @@\n"
                " a\n"
                "-b\n"
                "\\ No newline at end of file\n"
                "+c\n"
                "\\ No newline at end of file\n");
}

TEST(UnifiedDiff, EmptyExpectedNonEmptyActual) {
  EXPECT_EQ(diff("", "one\ntwo\nthree\n"),
            kHeader +
                "@@ -0,0 +1,3 @@\n"
                "+one\n"
                "+two\n"
                "+three\n");
  // A one-line range omits its count, as diff -u does.
  EXPECT_EQ(diff("", "x\n"), kHeader + "@@ -0,0 +1 @@\n+x\n");
}

TEST(UnifiedDiff, NonEmptyExpectedEmptyActual) {
  EXPECT_EQ(diff("one\ntwo\nthree\n", ""),
            kHeader +
                "@@ -1,3 +0,0 @@\n"
                "-one\n"
                "-two\n"
                "-three\n");
}

TEST(UnifiedDiff, FarApartChangesGiveTwoHunks) {
  std::string actual = replace_line(replace_line(seq(1, 20), "2", "two"), "18", "eighteen");
  EXPECT_EQ(diff(seq(1, 20), actual),
            kHeader +
                "@@ -1,5 +1,5 @@\n"
                " 1\n"
                "-2\n"
                "+two\n"
                " 3\n"
                " 4\n"
                " 5\n"
                "@@ -15,6 +15,6 @@\n"
                " 15\n"
                " 16\n"
                " 17\n"
                "-18\n"
                "+eighteen\n"
                " 19\n"
                " 20\n");
}

TEST(UnifiedDiff, CloseChangesAreMergedIntoOneHunk) {
  // Six unchanged lines between the changes: the contexts touch, one hunk.
  std::string actual = replace_line(replace_line(seq(1, 10), "2", "X"), "9", "Y");
  EXPECT_EQ(diff(seq(1, 10), actual),
            kHeader +
                "@@ -1,10 +1,10 @@\n"
                " 1\n"
                "-2\n"
                "+X\n"
                " 3\n"
                " 4\n"
                " 5\n"
                " 6\n"
                " 7\n"
                " 8\n"
                "-9\n"
                "+Y\n"
                " 10\n");
}

TEST(UnifiedDiff, SevenUnchangedLinesBetweenChangesSplitTheHunk) {
  std::string actual = replace_line(seq(1, 10), "2", "X");
  actual = replace_line(actual, "10", "Y\n11");
  EXPECT_EQ(diff(seq(1, 10), actual),
            kHeader +
                "@@ -1,5 +1,5 @@\n"
                " 1\n"
                "-2\n"
                "+X\n"
                " 3\n"
                " 4\n"
                " 5\n"
                "@@ -7,4 +7,5 @@\n"
                " 7\n"
                " 8\n"
                " 9\n"
                "-10\n"
                "+Y\n"
                "+11\n");
}

TEST(UnifiedDiff, ReplacementShowsRemovalsBeforeAdditions) {
  EXPECT_EQ(diff("1\n2\n3\n4\n5\n", "1\nX\nY\nZ\n4\n5\n"),
            kHeader +
                "@@ -1,5 +1,6 @@\n"
                " 1\n"
                "-2\n"
                "-3\n"
                "+X\n"
                "+Y\n"
                "+Z\n"
                " 4\n"
                " 5\n");
}

TEST(UnifiedDiff, ColorMarksRemovedAndAddedLines) {
  std::string d = unified_diff("a\nb\n", "a\nc\n", "old", "new", true);
  EXPECT_EQ(d,
            "\033[1m--- old\033[0m\n"
            "\033[1m+++ new\033[0m\n"
            "\033[36m@@ -1,2 +1,2 @@\033[0m\n"
            " a\n"
            "\033[31m-b\033[0m\n"
            "\033[32m+c\033[0m\n");
}

TEST(UnifiedDiff, HugeInputsFallBackToOneReplaceHunk) {
  // Both sides over 20000 lines: no line matching, the differing middle is
  // replaced wholesale (the common prefix still provides the context).
  std::string a = "same\n" + seq(1, 20001);
  std::string b = "same\n" + seq(100001, 120001);
  std::string d = diff(a, b);
  EXPECT_EQ(d.rfind(kHeader + "@@ -1,20002 +1,20002 @@\n same\n-1\n-2\n", 0), 0u);
  EXPECT_NE(d.find("-20001\n+100001\n"), std::string::npos);
  EXPECT_EQ(d.size() - d.rfind("+120001\n"), 8u);
}

}  // namespace
