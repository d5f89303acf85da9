// The packed form of a YAML tree (how the asyncio prelude is embedded) must
// give back exactly the tree yaml-cpp built: kinds, tags, text, positions.
#include <algorithm>
#include <string>
#include <gtest/gtest.h>

#include "engine/compile/prelude.h"
#include "engine/load/yaml_doc.h"

namespace corun {

namespace {

void expect_same(const YNode& a, const YNode& b, const std::string& path) {
  ASSERT_EQ(int(a.kind), int(b.kind)) << path;
  EXPECT_EQ(a.pos.line, b.pos.line) << path;
  EXPECT_EQ(a.pos.col, b.pos.col) << path;
  EXPECT_EQ(a.tag, b.tag) << path;
  EXPECT_EQ(a.value, b.value) << path;
  ASSERT_EQ(a.items.size(), b.items.size()) << path;
  for (size_t i = 0; i < a.items.size(); ++i) expect_same(a.items[i], b.items[i], path + "[" + std::to_string(i) + "]");
  ASSERT_EQ(a.pairs.size(), b.pairs.size()) << path;
  for (size_t i = 0; i < a.pairs.size(); ++i) {
    expect_same(a.pairs[i].first, b.pairs[i].first, path + ".key" + std::to_string(i));
    expect_same(a.pairs[i].second, b.pairs[i].second, path + "." + a.pairs[i].first.value);
  }
}

TEST(YamlPack, RoundTripsEveryKindOfNode) {
  SourceFile file("t.yaml",
                  "name: \"quoted {x}\"\n"
                  "empty:\n"
                  "list: [1, 'two', !expr \"3 + 4\"]\n"
                  "block: |\n  line one\n  line 2 with 12 digits 345678901234\n"
                  "nested:\n  - {a: b}\n  - - deep\n");
  YNode tree = load_yaml(file);
  expect_same(tree, unpack_yaml(pack_yaml(tree)), "root");
}

// The packed tree is what loading the prelude's files one by one and
// merging them gives (the text holds them end to end; _sizes says where).
TEST(YamlPack, TheEmbeddedPreludeIsThePreludeText) {
  std::string_view text(kAsyncioPrelude);
  std::string_view sizes(kAsyncioPrelude_sizes);
  YNode merged;
  int lines_before = 0, parts = 0;
  size_t at = 0;
  while (!sizes.empty()) {
    size_t comma = sizes.find(',');
    size_t n = std::stoul(std::string(sizes.substr(0, comma)));
    sizes = comma == std::string_view::npos ? std::string_view() : sizes.substr(comma + 1);
    ASSERT_LE(at + n, text.size());
    std::string part(text.substr(at, n));
    at += n;
    SourceFile file("prelude part", part);
    EXPECT_EQ(merge_yaml_part(merged, load_yaml(file), lines_before), "");
    lines_before += int(std::count(part.begin(), part.end(), '\n'));
    ++parts;
  }
  EXPECT_EQ(at, text.size());
  EXPECT_GT(parts, 1);  // one file per CPython module
  expect_same(merged, unpack_yaml(kAsyncioPreludePacked), "prelude");
}

TEST(YamlPack, RejectsCorruptInput) {
  EXPECT_THROW(unpack_yaml("S1 1 1 ?5 ab"), std::runtime_error);
  EXPECT_NO_THROW(unpack_yaml("S1 1 1 ?2 ab"));  // value shorter than its length
  EXPECT_THROW(unpack_yaml("X1 1 "), std::runtime_error);
  EXPECT_THROW(unpack_yaml("N1 1 0 0 trailing"), std::runtime_error);
}

}  // namespace
}  // namespace corun
