// DictObj: scans when small, a hash index when large; both must agree with
// Python's key equality (1 == 1.0 == True, equal tuples and strings).
#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/python/value.h"

namespace corun {
namespace {

Value key_str(const std::string& s) { return make_str(s); }

TEST(Dict, LargeDictFindsEveryKeyAndOverwritesInPlace) {
  Ref<DictObj> d(new DictObj());
  for (int i = 0; i < 1000; ++i) d->set(Value::integer(i), Value::integer(i * 2));
  for (int i = 0; i < 1000; ++i) d->set(key_str("k" + std::to_string(i)), Value::integer(i));
  ASSERT_EQ(d->entries.size(), 2000u);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_NE(d->find(Value::integer(i)), nullptr);
    EXPECT_EQ(d->find(Value::integer(i))->as_int(), i * 2);
    EXPECT_EQ(d->find(key_str("k" + std::to_string(i)))->as_int(), i);
  }
  d->set(Value::integer(500), Value::integer(-1));
  EXPECT_EQ(d->entries.size(), 2000u);
  EXPECT_EQ(d->entries[500].second.as_int(), -1);  // insertion order kept
  EXPECT_EQ(d->find(Value::integer(5000)), nullptr);
}

TEST(Dict, NumericKeysFollowPythonEquality) {
  Ref<DictObj> d(new DictObj());
  for (int i = 0; i < 20; ++i) d->set(Value::integer(i), Value::integer(i));
  ASSERT_NE(d->find(Value::flt(3.0)), nullptr);
  EXPECT_EQ(d->find(Value::flt(3.0))->as_int(), 3);
  EXPECT_EQ(d->find(Value::boolean(true))->as_int(), 1);
  EXPECT_EQ(d->find(Value::flt(3.5)), nullptr);
  d->set(Value::flt(4.0), Value::integer(40));  // overwrites the key 4
  EXPECT_EQ(d->entries.size(), 20u);
  EXPECT_EQ(d->find(Value::integer(4))->as_int(), 40);
}

TEST(Dict, EraseKeepsOrderAndLookupsRight) {
  Ref<DictObj> d(new DictObj());
  for (int i = 0; i < 100; ++i) d->set(Value::integer(i), Value::integer(i));
  for (int i = 0; i < 100; i += 3) EXPECT_TRUE(d->erase(Value::integer(i)));
  EXPECT_FALSE(d->erase(Value::integer(0)));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(d->find(Value::integer(i)) != nullptr, i % 3 != 0) << i;
  EXPECT_EQ(d->entries.front().first.as_int(), 1);
  d->set(Value::integer(0), Value::integer(7));
  EXPECT_EQ(d->entries.back().first.as_int(), 0);
  EXPECT_EQ(d->find(Value::integer(0))->as_int(), 7);
}

TEST(Dict, TupleAndRangeKeysCompareByContent) {
  Ref<DictObj> d(new DictObj());
  for (int i = 0; i < 20; ++i) d->set(make_tuple({Value::integer(i), key_str("x")}), Value::integer(i));
  EXPECT_EQ(d->find(make_tuple({Value::integer(7), key_str("x")}))->as_int(), 7);
  // a range key (outside the hash index) falls back to scanning, by content
  d->set(Value(new RangeObj(0, 3, 1)), Value::integer(99));
  EXPECT_EQ(d->find(Value(new RangeObj(0, 3, 1)))->as_int(), 99);
  EXPECT_EQ(d->find(make_tuple({Value::integer(3), key_str("x")}))->as_int(), 3);
}

TEST(Dict, UnhashableKeysAreRefused) {
  // Python's TypeError (here without an interpreter: std::runtime_error),
  // for a list, a dict, and a tuple holding a list; the dict is unchanged.
  Ref<DictObj> d(new DictObj());
  EXPECT_THROW(d->set(make_list({Value::integer(1)}), Value::integer(1)), std::runtime_error);
  EXPECT_THROW(d->find(Value(new DictObj())), std::runtime_error);
  EXPECT_THROW(d->set(make_tuple({Value::integer(1), make_list()}), Value::integer(1)), std::runtime_error);
  EXPECT_TRUE(d->entries.empty());
}

TEST(Dict, ClearAndAssignResetTheIndex) {
  Ref<DictObj> a(new DictObj());
  for (int i = 0; i < 50; ++i) a->set(Value::integer(i), Value::integer(i));
  Ref<DictObj> b(new DictObj());
  b->assign(*a);
  a->clear();
  EXPECT_EQ(a->find(Value::integer(3)), nullptr);
  a->set(Value::integer(3), Value::integer(30));
  EXPECT_EQ(a->find(Value::integer(3))->as_int(), 30);
  EXPECT_EQ(b->find(Value::integer(49))->as_int(), 49);
  EXPECT_EQ(b->entries.size(), 50u);
}

}  // namespace
}  // namespace corun
