// The ready queue's container: FIFO across block boundaries, reuse after
// draining, and every entry released exactly once.
#include "engine/asyncio/block_queue.h"

#include <gtest/gtest.h>

#include <memory>

namespace corun {
namespace {

TEST(BlockQueue, KeepsFifoOrderAcrossBlocks) {
  BlockQueue<int, 4> q;
  for (int i = 0; i < 11; ++i) q.push_back(i);
  EXPECT_EQ(q.size(), 11u);
  for (int i = 0; i < 11; ++i) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.front(), i);
    q.pop_front();
  }
  EXPECT_TRUE(q.empty());
}

TEST(BlockQueue, InterleavedPushAndPopStayInOrder) {
  BlockQueue<int, 3> q;
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 50; ++round) {
    for (int k = 0; k < round % 7; ++k) q.push_back(next_in++);
    for (int k = 0; k < round % 5 && !q.empty(); ++k) {
      EXPECT_EQ(q.front(), next_out++);
      q.pop_front();
    }
  }
  while (!q.empty()) {
    EXPECT_EQ(q.front(), next_out++);
    q.pop_front();
  }
  EXPECT_EQ(next_in, next_out);
}

TEST(BlockQueue, ReleasesEntriesOnPopClearAndDestruction) {
  auto token = std::make_shared<int>(0);
  {
    BlockQueue<std::shared_ptr<int>, 2> q;
    for (int i = 0; i < 5; ++i) q.push_back(token);
    EXPECT_EQ(token.use_count(), 6);
    q.pop_front();
    EXPECT_EQ(token.use_count(), 5);
    q.clear();
    EXPECT_EQ(token.use_count(), 1);
    EXPECT_TRUE(q.empty());
    for (int i = 0; i < 3; ++i) q.push_back(token);
    EXPECT_EQ(q.front().use_count(), 4);
  }
  EXPECT_EQ(token.use_count(), 1);
}

}  // namespace
}  // namespace corun
