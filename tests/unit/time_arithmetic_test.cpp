// The loop's time arithmetic: saturating, never wrapping (docs/language.md
// §12), and the polling guard that stops a task holding the virtual clock
// still. Expected outputs of runs that CPython finishes were checked with
// CPython 3.11 under tests/oracle/vclock.py.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/asyncio/loop.h"
#include "tests/unit/run_scenario.h"

namespace {

using corun::kNever;
using corun::testing::run_yaml;

TEST(TimeArithmetic, AdditionSaturatesAtBothEnds) {
  EXPECT_EQ(corun::add_ns_saturated(1, 2), 3);
  EXPECT_EQ(corun::add_ns_saturated(kNever - 1, 5), kNever);
  EXPECT_EQ(corun::add_ns_saturated(INT64_MIN + 1, -5), INT64_MIN);
  EXPECT_EQ(corun::add_ns_saturated(kNever, -1), kNever - 1);
}

TEST(TimeArithmetic, WholeSecondsSaturate) {
  EXPECT_EQ(corun::int_seconds_to_ns(2), 2'000'000'000);
  EXPECT_EQ(corun::int_seconds_to_ns(9'223'372'036), 9'223'372'036'000'000'000);
  EXPECT_EQ(corun::int_seconds_to_ns(9'223'372'037), kNever);
  EXPECT_EQ(corun::int_seconds_to_ns(int64_t(1) << 62), kNever);
  EXPECT_EQ(corun::int_seconds_to_ns(-(int64_t(1) << 62)), INT64_MIN);
}

TEST(TimeArithmetic, FloatSecondsSaturateAndNanIsZero) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(corun::float_seconds_to_ns(0.25), 250'000'000);
  EXPECT_EQ(corun::float_seconds_to_ns(1e300), kNever);
  EXPECT_EQ(corun::float_seconds_to_ns(inf), kNever);
  EXPECT_EQ(corun::float_seconds_to_ns(18446744073.709551616), kNever);
  EXPECT_EQ(corun::float_seconds_to_ns(-inf), INT64_MIN);
  EXPECT_EQ(corun::float_seconds_to_ns(std::nan("")), 0);
  // 2**63 ns exactly does not fit; the largest double below it does.
  EXPECT_EQ(corun::float_seconds_to_ns(9223372036.854775808), kNever);
  EXPECT_LT(corun::float_seconds_to_ns(9223372036.8547), kNever);
}

// A timer beyond the clock's range never fires; the others still do, in
// order, and main's return ends the run (asyncio.run cancels the sleeper).
TEST(TimeArithmetic, NeverTimersDoNotFireOrStopOthers) {
  auto r = run_yaml(R"(
coroutines:
  sleeper:
    params: [d]
    steps:
      - sleep: d
      - print: "woke {d}"
  main:
    - task: sleeper(2**62)
    - task: sleeper(float("inf"))
    - task: sleeper(2)
    - sleep: 3
    - print: "main {time.time()}"
)");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "woke 2\nmain 3.0\n");
  EXPECT_EQ(r.err, "");
}

TEST(TimeArithmetic, OnlyNeverTimersLeftIsAStallNotAWrap) {
  auto r = run_yaml(R"(
coroutines:
  main:
    - block: 9223372036
    - sleep: 1
    - print: never
)");
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("beyond the virtual clock's range"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("t.yaml:5 waiting on asyncio.sleep()"), std::string::npos) << r.err;
}

// time.sleep(2**62): CPython's _PyTime_t conversion overflows.
TEST(TimeArithmetic, BlockOverflowIsCPythonsOverflowError) {
  auto r = run_yaml(R"(
coroutines:
  main:
    - block: 2**62
)");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("OverflowError: timestamp too large to convert to C _PyTime_t\n"), std::string::npos) << r.err;
}

const char* kPolling = R"(
coroutines:
  waiter:
    - sleep: 1
  main:
    - task: waiter()
      as: t
    - set: {n: 0}
    - while: not t.done()
      steps:
        - sleep: 0
        - set: {n: n + 1}
    - print: "{n}"
)";

TEST(PollingGuard, StopsATaskHoldingTheVirtualClock) {
  corun::RunOptions opts;
  opts.max_spin = 1000;
  auto r = run_yaml(kPolling, opts);
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("the virtual clock cannot advance"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Task-1 (main) keeps the loop busy, polling at t.yaml:11"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("next timer (due at 1.000 s)"), std::string::npos) << r.err;
}

TEST(PollingGuard, ZeroMeansNoLimit) {
  corun::RunOptions opts;
  opts.max_spin = 0;
  opts.max_callbacks = 5000;  // the callback guard stops it instead
  auto r = run_yaml(kPolling, opts);
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("loop callbacks"), std::string::npos) << r.err;
}

// The clock moving (a block) between polls is progress, not a runaway.
TEST(PollingGuard, BlockingBetweenPollsIsProgress) {
  corun::RunOptions opts;
  opts.max_spin = 10;
  auto r = run_yaml(R"(
coroutines:
  waiter:
    - sleep: 1
  main:
    - task: waiter()
      as: t
    - while: not t.done()
      steps:
        - block: 0.01
        - sleep: 0
    - print: "done at {time.time():.2f}"
)", opts);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "done at 1.03\n");  // CPython under vclock.py prints the same
}

// A yield storm that ends is untouched, even with a timer pending: 100 tasks
// x 100 yields is 100 iterations, each with many callbacks.
TEST(PollingGuard, CountsIterationsNotCallbacks) {
  corun::RunOptions opts;
  opts.max_spin = 200;
  auto r = run_yaml(R"(
coroutines:
  spinner:
    - for: j
      in: range(100)
      steps:
        - sleep: 0
  sleeper:
    - sleep: 5
  main:
    - task: sleeper()
    - gather: list(spinner() for i in range(100))
    - print: "done at {time.time()}"
)", opts);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "done at 0.0\n");
}

}  // namespace
