// closest_match gives up on a candidate as soon as it cannot beat the best
// so far (engine/load/diagnostics.cpp); these check that the cut-offs never
// change which candidate it picks, against the full distance table.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/load/diagnostics.h"

namespace corun {
namespace {

// The recurrence closest_match uses, computed in full.
size_t full_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 1][j - 1]);
    }
  return d[a.size()][b.size()];
}

std::string reference_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(1, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = full_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

TEST(DidYouMean, FamiliarTypos) {
  std::vector<std::string> verbs = {"await", "sleep", "print", "gather", "set", "return", "raise", "task"};
  EXPECT_EQ(closest_match("awiat", verbs), "await");
  EXPECT_EQ(closest_match("slep", verbs), "sleep");
  EXPECT_EQ(closest_match("prnit", verbs), "print");
  EXPECT_EQ(closest_match("zzzzzz", verbs), "");
  EXPECT_EQ(closest_match("5", {"if"}), "");
  EXPECT_EQ(did_you_mean("gahter", verbs), "; did you mean 'gather'?");
}

TEST(DidYouMean, CutOffsPickWhatTheFullTablePicks) {
  std::mt19937 rng(12345);
  auto word = [&](size_t max_len) {
    std::string w(1 + rng() % max_len, 'a');
    for (char& ch : w) ch = "abcde_"[rng() % 6];  // a small alphabet: many near misses
    return w;
  };
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> candidates;
    for (int k = 0; k < 20; ++k) candidates.push_back(word(round % 4 == 0 ? 90 : 12));  // some beyond the stack rows
    std::string w = word(round % 4 == 0 ? 90 : 12);
    ASSERT_EQ(closest_match(w, candidates), reference_match(w, candidates)) << "word " << w;
  }
}

}  // namespace
}  // namespace corun
