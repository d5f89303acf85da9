// set and frozenset: CPython's hash() values and iteration orders, checked
// against numbers CPython 3.11 prints (python3 -c "print(...)").
#include <gtest/gtest.h>

#include "tests/unit/run_scenario.h"

namespace {

std::string run_main(const std::string& steps) {
  auto r = corun::testing::run_yaml("coroutines:\n  main:\n" + steps);
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

TEST(Sets, HashesAreCPythons) {
  // print(hash(-1), hash(2**61 - 1), hash(2**61), hash(-2**64), hash(1.5), hash(-0.1), hash(1e300))
  EXPECT_EQ(run_main("    - print: \"{hash(-1)} {hash(2**61 - 1)} {hash(2**61)} {hash(-2**64)} {hash(1.5)} {hash(-0.1)} {hash(1e300)}\"\n"),
            "-2 0 1 -8 1152921504606846977 -230584300921369408 1224995262755759164\n");
  // print(hash(()), hash((1, 2)), hash((-1, (2.5,))), hash(frozenset({1, 2})), hash(float('inf')))
  EXPECT_EQ(run_main("    - print: \"{hash(())} {hash((1, 2))} {hash((-1, (2.5,)))} {hash(frozenset({1, 2}))} {hash(float('inf'))}\"\n"),
            "5740354900026072187 -3550055125485641917 3070426987424873971 -1826646154956904602 314159\n");
}

TEST(Sets, OrdersAreCPythons) {
  // print({3, 1, 2}, {100, 5, 1000003}, {-1, -2, 7, 8}, set(range(40, 0, -9)))
  EXPECT_EQ(run_main("    - print: \"{ {3, 1, 2} } { {100, 5, 1000003} } { {-1, -2, 7, 8} } {set(range(40, 0, -9))}\"\n"),
            "{1, 2, 3} {1000003, 100, 5} {8, -2, -1, 7} {4, 40, 13, 22, 31}\n");
  // A constant display of 5+ items is folded to a frozenset first: its
  // table is sized differently from the same items added one by one.
  // x = 33; print({-3, 31, 25, (3, 0, 6), 66, (2, 8)}, {-3, 31, 25, (3, 0, 6), 66, (2, x - 25)})
  EXPECT_EQ(run_main("    - set: {x: 33}\n"
                     "    - print: \"{ {-3, 31, 25, (3, 0, 6), 66, (2, 8)} } { {-3, 31, 25, (3, 0, 6), 66, (2, x - 25)} }\"\n"),
            "{66, (2, 8), (3, 0, 6), -3, 25, 31} {66, (2, 8), (3, 0, 6), 25, -3, 31}\n");
}

TEST(Sets, PopFollowsTheFinger) {
  // s = set(range(10)); print([s.pop() for _ in range(3)], s); s.add(0); print(s.pop())
  EXPECT_EQ(run_main("    - set: {s: set(range(10))}\n"
                     "    - print: \"{[s.pop() for _ in range(3)]} {s}\"\n"
                     "    - call: s.add(0)\n"
                     "    - print: !expr s.pop()\n"),
            "[0, 1, 2] {3, 4, 5, 6, 7, 8, 9}\n3\n");
}

TEST(Sets, AddressHashedValuesKeepInsertionOrder) {
  // Strings and None have no order CPython repeats; corun keeps insertion
  // order for them, after the values it orders as CPython does.
  EXPECT_EQ(run_main("    - print: !expr \"{'b', 3, None, 'a', 1}\"\n"), "{1, 3, 'b', None, 'a'}\n");
}

TEST(Sets, MembersWithoutAStableHashSurviveChurnInInsertionOrder) {
  // Strings (and objects hashed by address) are kept in insertion order,
  // indexed by hash: many adds and discards, a compaction, re-adds.
  EXPECT_EQ(run_main("    - set: {s: set()}\n"
                     "    - for: i\n"
                     "      in: range(2000)\n"
                     "      steps:\n"
                     "        - call: s.add(str(i))\n"
                     "    - for: i\n"
                     "      in: range(0, 2000, 3)\n"
                     "      steps:\n"
                     "        - call: s.discard(str(i))\n"
                     "    - call: s.add('0')\n"
                     "    - call: s.add('1')\n"
                     "    - print: \"{len(s)} {'5' in s} {'6' in s} {'0' in s} {list(s)[:4]} {list(s)[-1]}\"\n"
                     "    - for: i\n"
                     "      in: range(2000)\n"
                     "      steps:\n"
                     "        - call: s.discard(str(i))\n"
                     "    - call: s.add('x')\n"
                     "    - print: \"{s} {'1' in s}\"\n"),
            "1334 True False True ['1', '2', '4', '5'] 0\n{'x'} False\n");
}

}  // namespace
