// The run's budget (engine/vm/budget.h): memory that grows past --max-memory
// stops the run naming what grew, native work and exceptions count toward
// the busy guard, and size arithmetic never wraps.
#include <gtest/gtest.h>

#include <new>
#include <vector>

#include "engine/vm/budget.h"
#include "tests/unit/run_scenario.h"

namespace {

using corun::testing::run_yaml;

corun::RunOptions small_memory() {
  corun::RunOptions o;
  o.max_memory = int64_t(64) << 20;
  return o;
}

TEST(Budget, AllocationsAreCountedInAndOut) {
  int64_t before = corun::g_budget.mem_in_use;
  auto* v = new std::vector<char>(1 << 20);
  EXPECT_GE(corun::g_budget.mem_in_use - before, 1 << 20);
  delete v;
  EXPECT_EQ(corun::g_budget.mem_in_use, before);
}

TEST(Budget, SizeArithmeticThatWrapsIsRefused) {
  EXPECT_THROW(corun::checked_mul(size_t(1) << 62, 4), std::bad_alloc);
  EXPECT_THROW(corun::checked_add(~size_t(0), 1), std::bad_alloc);
  EXPECT_EQ(corun::checked_mul(3, 4), 12u);
}

TEST(Budget, ReserveRefusesWhatWouldPassTheLimit) {
  corun::budget_start_run(1000, corun::g_budget.mem_in_use + (1 << 20));
  EXPECT_NO_THROW(corun::reserve(1 << 19));
  EXPECT_THROW(corun::reserve(2 << 20), std::bad_alloc);
  EXPECT_THROW(corun::reserve(~size_t(0)), std::bad_alloc);
  corun::budget_start_run(~0ull, INT64_MAX);
}

TEST(Budget, ChargeTripsTheBusyGuard) {
  corun::budget_start_run(100, INT64_MAX);
  EXPECT_NO_THROW(corun::charge(60));
  EXPECT_THROW(corun::charge(60), corun::BusyExceeded);
  corun::budget_start_run(~0ull, INT64_MAX);
}

// e = ValueError(e) forever: a chain of exceptions that only grows.
TEST(Budget, AChainOfExceptionsStopsTheRunNamingThem) {
  auto r = run_yaml(R"(
coroutines:
  main:
    - set: {e: ValueError(0)}
    - while: "True"
      steps:
        - set: {e: ValueError(e)}
)", small_memory());
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("memory went past the limit of 64 MiB"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" exceptions"), std::string::npos) << r.err;
  // The loop's own lines, not corun's.
  EXPECT_TRUE(r.err.find("ran t.yaml:5 ") != std::string::npos || r.err.find("ran t.yaml:6 ") != std::string::npos) << r.err;
  // The chain is freed with the run (without recursing: it is 400,000 deep).
  EXPECT_LT(corun::g_budget.mem_in_use, corun::g_budget.mem_limit);
}

// A coroutine that starts two tasks of itself and awaits one: a task bomb.
TEST(Budget, ATaskBombStopsTheRunNamingTasks) {
  auto r = run_yaml(R"(
coroutines:
  bomb:
    - task: bomb()
      as: a
    - task: bomb()
      as: b
    - await: a
  main:
    - await: bomb()
)", small_memory());
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("tasks"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--max-memory"), std::string::npos) << r.err;
}

// def f(n): try: return f(n + 1) except: return f(n + 1) -- exponential in
// the recursion limit; the unwinding it does is counted as work.
TEST(Budget, ARaiseExceptRecursionIsStoppedAsBusy) {
  corun::RunOptions o;
  o.max_busy = 2'000'000;
  auto r = run_yaml(R"(
functions:
  f:
    params: [n]
    steps:
      - try:
          - return: f(n + 1)
        except:
          - steps:
              - return: f(n + 1)
coroutines:
  main:
    - print: "{f(0)}"
)", o);
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("instructions without awaiting"), std::string::npos) << r.err;
}

// The limit is the process's: a run well inside it is not disturbed, and
// the memory a finished run used is given back.
TEST(Budget, ARunInsideTheLimitFinishesAndGivesMemoryBack) {
  // What the first program of a process makes and keeps -- the asyncio
  // prelude, compiled once (engine/compile/prelude.h), and the table of what corun's
  // modules provide (engine/compile/unsupported.h) -- is not the run's to give back.
  run_yaml("coroutines:\n  main:\n    - call: asyncio.current_task()\n");
  int64_t before = corun::g_budget.mem_in_use;
  auto r = run_yaml(R"(
coroutines:
  main:
    - set: {xs: !expr "[]"}
    - for: i
      in: range(10000)
      steps:
        - call: xs.append(str(i))
    - print: "{len(xs)}"
)", small_memory());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "10000\n");
  EXPECT_LT(corun::g_budget.mem_in_use - before, 1 << 20);
}

}  // namespace
