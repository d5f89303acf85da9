// corun test's selection (-k patterns, --shard and Bazel's sharding) and its
// JUnit XML writer, on their own. The CLI code is not part of corun_engine,
// so its .cpp files are included here (compiled into no other test target),
// as unified_diff_test.cpp does. tests/cli/test_options.py checks the same
// end to end, with a real XML parser.
#include "cli/junit_report.cpp"
#include "cli/test_selection.cpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <vector>

namespace {

using corun::cli::bazel_shard;
using corun::cli::junit_names;
using corun::cli::junit_xml;
using corun::cli::JunitCase;
using corun::cli::parse_shard;
using corun::cli::pattern_matches;
using corun::cli::selected_by;
using corun::cli::Shard;

TEST(TestSelection, WithoutAStarAPatternIsASubstring) {
  EXPECT_TRUE(pattern_matches("gath", "scenarios/b/gather.yaml"));
  EXPECT_TRUE(pattern_matches("b/g", "scenarios/b/gather.yaml"));
  EXPECT_TRUE(pattern_matches("", "scenarios/a.yaml"));
  EXPECT_FALSE(pattern_matches("Gather", "scenarios/b/gather.yaml"));  // case matters
  EXPECT_FALSE(pattern_matches("?", "scenarios/a.yaml"));              // only * is special
}

TEST(TestSelection, AGlobMatchesTheWholePathOrATailAfterASlash) {
  EXPECT_TRUE(pattern_matches("scenarios/*.yaml", "scenarios/b/gather.yaml"));  // * crosses /
  EXPECT_TRUE(pattern_matches("b/*.yaml", "scenarios/b/gather.yaml"));
  EXPECT_TRUE(pattern_matches("gather*", "scenarios/b/gather.yaml"));
  EXPECT_TRUE(pattern_matches("*", "x.yaml"));
  EXPECT_FALSE(pattern_matches("ather*", "scenarios/b/gather.yaml"));  // a tail starts after a /
  EXPECT_FALSE(pattern_matches("*.yml", "scenarios/b/gather.yaml"));   // and runs to the end
  EXPECT_FALSE(pattern_matches("b*", "scenarios/a.yaml"));
}

TEST(TestSelection, GlobBacktracksOverSeveralStars) {
  EXPECT_TRUE(pattern_matches("a*b*c", "aXbYbZc"));
  EXPECT_TRUE(pattern_matches("a**c", "ac"));
  EXPECT_TRUE(pattern_matches("*b*", "abba"));
  EXPECT_FALSE(pattern_matches("a*b*c", "aXbYbZ"));
  EXPECT_FALSE(pattern_matches("a*bc", "abcb"));
  // Long inputs end quickly (no exponential backtracking).
  EXPECT_FALSE(pattern_matches("*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

TEST(TestSelection, AnyPatternSelects) {
  EXPECT_TRUE(selected_by({}, "scenarios/a.yaml"));
  EXPECT_TRUE(selected_by({"zzz", "a.y"}, "scenarios/a.yaml"));
  EXPECT_FALSE(selected_by({"zzz", "b*"}, "scenarios/a.yaml"));
}

TEST(TestSelection, ShardsAreKOfNOneBased) {
  std::string error;
  std::optional<Shard> s = parse_shard("2/3", error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->index, 2u);
  EXPECT_EQ(s->total, 3u);
  EXPECT_EQ(s->text(), "2/3");
  EXPECT_FALSE(s->first());
  for (const char* bad : {"", "/", "1/", "/3", "0/3", "4/3", "1/0", "a/3", "1/3/4", "-1/3", "+1/3", " 1/3", "1/10000000"}) {
    error.clear();
    EXPECT_FALSE(parse_shard(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(TestSelection, ShardsPartitionAndAreBalanced) {
  for (std::size_t total = 1; total <= 7; ++total) {
    for (std::size_t items = 0; items <= 20; ++items) {
      std::vector<int> owners(items, 0);
      std::size_t smallest = items, largest = 0;
      for (std::size_t k = 1; k <= total; ++k) {
        std::size_t size = 0;
        for (std::size_t i = 0; i < items; ++i)
          if (Shard{k, total}.has(i)) ++owners[i], ++size;
        smallest = std::min(smallest, size);
        largest = std::max(largest, size);
      }
      for (std::size_t i = 0; i < items; ++i) EXPECT_EQ(owners[i], 1) << i << " of " << items << ", " << total;
      EXPECT_LE(largest - smallest, 1u) << items << " items in " << total << " shards";
    }
  }
}

struct Env {
  Env(const char* total, const char* index) {
    set("TEST_TOTAL_SHARDS", total);
    set("TEST_SHARD_INDEX", index);
  }
  ~Env() {
    ::unsetenv("TEST_TOTAL_SHARDS");
    ::unsetenv("TEST_SHARD_INDEX");
  }
  static void set(const char* name, const char* value) {
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
};

TEST(TestSelection, BazelShardIndexIsZeroBased) {
  std::string error;
  {
    Env env(nullptr, nullptr);
    EXPECT_FALSE(bazel_shard(error));
    EXPECT_EQ(error, "");
  }
  {
    Env env("4", "0");
    std::optional<Shard> s = bazel_shard(error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->text(), "1/4");
  }
  {
    Env env("4", "3");
    EXPECT_EQ(bazel_shard(error)->text(), "4/4");
  }
  for (auto [total, index] : std::vector<std::pair<const char*, const char*>>{
           {"4", "4"}, {"4", nullptr}, {"4", "-1"}, {"0", "0"}, {"x", "0"}, {"4", ""}}) {
    Env env(total, index);
    error.clear();
    EXPECT_FALSE(bazel_shard(error)) << total << " " << (index ? index : "(unset)");
    EXPECT_FALSE(error.empty());
  }
}

TEST(JunitReport, NamesFromThePath) {
  std::string classname, name;
  junit_names("scenarios/seeds/a/gather.yaml", classname, name);
  EXPECT_EQ(classname, "scenarios.seeds.a");
  EXPECT_EQ(name, "gather.yaml");
  junit_names("x.yaml", classname, name);
  EXPECT_EQ(classname, ".");
  EXPECT_EQ(name, "x.yaml");
}

TEST(JunitReport, CountsAndShape) {
  std::vector<JunitCase> cases(3);
  cases[0] = {"scenarios", "a.yaml", "scenarios/a.yaml", 0.0126, JunitCase::Kind::kPassed, "", ""};
  cases[1] = {"scenarios", "b.yaml", "scenarios/b.yaml", 1.5, JunitCase::Kind::kFailed, "stdout differs", "-x\n+y\n"};
  cases[2] = {"scenarios", "c.yaml", "scenarios/c.yaml", 0, JunitCase::Kind::kSkipped, "not selected by -k a", ""};
  std::string xml = junit_xml(cases, 2.25, "2026-01-02T03:04:05", "host");
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"corun\" tests=\"3\" failures=\"1\" "
                      "errors=\"0\" skipped=\"1\" time=\"2.250\">\n",
                      0),
            0u)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"corun test\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"2.250\" "
                     "timestamp=\"2026-01-02T03:04:05\" hostname=\"host\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"scenarios\" name=\"a.yaml\" file=\"scenarios/a.yaml\" time=\"0.013\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"stdout differs\" type=\"golden\">-x\n+y\n</failure>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"not selected by -k a\"/>"), std::string::npos) << xml;
  const std::string end = "    </testcase>\n  </testsuite>\n</testsuites>\n";
  EXPECT_EQ(xml.substr(xml.size() - end.size()), end);
}

TEST(JunitReport, TextIsEscapedForXml) {
  std::vector<JunitCase> cases(1);
  cases[0].kind = JunitCase::Kind::kFailed;
  cases[0].name = "a\"b<c>&d";
  cases[0].message = "line\none\ttab";
  // An ESC and a NUL (no XML 1.0 character), a stray continuation byte, an
  // overlong '/', a surrogate, a truncated sequence; then valid é and 𝄞.
  cases[0].details = std::string("<&>\"\x1b[31m\0|\x80|\xC0\xAF|\xED\xA0\x80|\xE2\x82", 22) + "|\xC3\xA9\xF0\x9D\x84\x9E\r\n";
  std::string xml = junit_xml(cases, 0, "", "");
  EXPECT_NE(xml.find("name=\"a&quot;b&lt;c&gt;&amp;d\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("message=\"line&#10;one&#9;tab\""), std::string::npos) << xml;
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_NE(xml.find("&lt;&amp;&gt;\"" + fffd + "[31m" + fffd + "|" + fffd + "|" + fffd + fffd + "|" + fffd + fffd + fffd +
                     "|" + fffd + fffd + "|\xC3\xA9\xF0\x9D\x84\x9E&#13;\n</failure>"),
            std::string::npos)
      << xml;
}

}  // namespace
