// Sizes the user computes never wrap, and native work is charged: big-int
// arithmetic, sequence repeat and concatenation, padding and formatting
// widths, join/replace, materialised ranges, sorting and native loops all
// charge the busy budget and reserve memory before building (engine/vm/budget.h,
// engine/vm/native_cost.h). Where CPython raises OverflowError or ValueError the
// expected text is CPython 3.11's (scenarios/semantics/limits/sizes_that_wrap
// checks the same against CPython in the conformance suite).
#include <gtest/gtest.h>

#include <new>
#include <string>

#include "engine/python/bigint.h"
#include "engine/vm/budget.h"
#include "engine/python/pyformat.h"
#include "tests/unit/run_scenario.h"

namespace {

using corun::BigInt;
using corun::BusyExceeded;
using corun::testing::RunResult;

// A run leaves its budget behind (a run stopped by the busy guard ends with
// its work over the limit); tests that call the engine's functions directly,
// outside any run, must not inherit it. Every test starts unlimited.
struct ResetBudgetBeforeEachTest : ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override { corun::budget_start_run(~0ull, INT64_MAX); }
};
const bool kListenerInstalled = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new ResetBudgetBeforeEachTest);
  return true;
}();

// Limits for the engine calls of one test; unlimited again afterwards.
struct BudgetScope {
  BudgetScope(uint64_t max_busy, int64_t max_memory) { corun::budget_start_run(max_busy, max_memory); }
  ~BudgetScope() { corun::budget_start_run(~0ull, INT64_MAX); }
};

RunResult run(const std::string& steps, uint64_t max_busy = 100'000'000, int64_t max_memory = int64_t(1) << 30) {
  corun::RunOptions opts;
  opts.max_busy = max_busy;
  opts.max_memory = max_memory;
  return corun::testing::run_yaml("coroutines:\n  main:\n" + steps, opts);
}

// The scenario line `- print: "{EXPR}"` inside try/except printing the
// exception's type and message, as the Python program would.
std::string attempt(const std::string& expr) {
  return "    - try:\n"
         "        - print: \"{" + expr + "}\"\n"
         "      except:\n"
         "        - type: [OverflowError, ValueError, MemoryError]\n"
         "          as: e\n"
         "          steps:\n"
         "            - print: \"{type(e).__name__} {e}\"\n";
}

std::string outcome(const std::string& expr, int64_t max_memory = int64_t(1) << 30) {
  RunResult r = run(attempt(expr), 100'000'000, max_memory);
  EXPECT_EQ(r.status, 0) << expr << "\n" << r.err;
  return r.out;
}


// ---- sizes that wrap: CPython's exceptions and messages -------------------------------

TEST(SizesThatWrap, RepeatCountsPastTheLimitRaiseWhatCPythonRaises) {
  // Measured on CPython 3.11.
  EXPECT_EQ(outcome("'abcd' * 2**62"), "OverflowError repeated string is too long\n");
  EXPECT_EQ(outcome("2**62 * 'abcd'"), "OverflowError repeated string is too long\n");
  EXPECT_EQ(outcome("[1, 2, 3, 4] * 2**62"), "MemoryError \n");
  EXPECT_EQ(outcome("(1, 2, 3, 4) * 2**62"), "MemoryError \n");
  EXPECT_EQ(outcome("'x' * 10**20"), "OverflowError cannot fit 'int' into an index-sized integer\n");
  EXPECT_EQ(outcome("[1] * -10**20"), "OverflowError cannot fit 'int' into an index-sized integer\n");
  EXPECT_EQ(outcome("len('' * 2**62)"), "0\n");
  EXPECT_EQ(outcome("len('ab' * 3 + 'c')"), "7\n");
}

TEST(SizesThatWrap, PaddingWidthsAreCheckedBeforeBuilding) {
  EXPECT_EQ(outcome("'x'.ljust(10**20)"), "OverflowError Python int too large to convert to C ssize_t\n");
  EXPECT_EQ(outcome("len('x'.ljust(10**12))"), "MemoryError \n");
  EXPECT_EQ(outcome("len('x'.center(10**10))"), "MemoryError \n");
  EXPECT_EQ(outcome("len('x'.zfill(10**12))"), "MemoryError \n");
  // Within the budget the same calls build the string.
  EXPECT_EQ(outcome("len('x'.ljust(10**6))"), "1000000\n");
  // str.center's odd space goes left when the width is odd (CPython's pad()).
  EXPECT_EQ(outcome("'ab'.center(5) + '|' + 'abc'.center(6, '*') + '|' + '-5'.zfill(4)"), "  ab |*abc**|-005\n");
}

TEST(SizesThatWrap, FormatWidthAndPrecision) {
  EXPECT_EQ(outcome("1:>1000000000000"), "MemoryError \n");
  EXPECT_EQ(outcome("1:>10000000000000000000000"), "ValueError Too many decimal digits in format string\n");
  EXPECT_EQ(outcome("1.5:.999999999f"), "MemoryError \n");
  EXPECT_EQ(outcome("1.5:.99999999999999999999f"), "ValueError Too many decimal digits in format string\n");
  EXPECT_EQ(outcome("10**30:>1000000000000"), "MemoryError \n");
  EXPECT_EQ(outcome("10**30:>10000000000000000000000"), "ValueError Too many decimal digits in format string\n");
  EXPECT_EQ(outcome("10**30:>33"), "  1000000000000000000000000000000\n");
}

TEST(SizesThatWrap, FormatWidthIsReservedInThePyformatLibrary) {
  BudgetScope scope(~0ull, int64_t(64) << 20);
  EXPECT_THROW(corun::pyfmt::format_str("x", ">100000000"), std::bad_alloc);
  EXPECT_THROW(corun::pyfmt::format_int(1, "*^100000000"), std::bad_alloc);
  EXPECT_THROW(corun::pyfmt::format_float(1.5, ".100000000f"), std::bad_alloc);
  EXPECT_EQ(corun::pyfmt::format_str("x", "*>5"), "****x");
  EXPECT_EQ(corun::pyfmt::format_int(7, "0=6,"), "00,007");
}

TEST(SizesThatWrap, JoinAndReplaceResultsAreReservedFirst) {
  const int64_t mem = int64_t(64) << 20;
  EXPECT_EQ(outcome("len(('x' * 1000).join(['a'] * 100000))", mem), "MemoryError \n");
  EXPECT_EQ(outcome("len(('ab' * 100000).replace('a', 'x' * 1000))", mem), "MemoryError \n");
  EXPECT_EQ(outcome("len(('ab' * 1000).replace('a', 'xyz'))", mem), "4000\n");
  EXPECT_EQ(outcome("'-'.join(['a', 'b', 'c']) + 'ab'.replace('', '.')", mem), "a-b-c.a.b.\n");
}

TEST(SizesThatWrap, MaterialisedRangesUseTheMemoryBudget) {
  EXPECT_EQ(outcome("len(list(range(2**62)))"), "MemoryError \n");
  EXPECT_EQ(outcome("len(list(range(-2**63, 2**63 - 1)))"), "OverflowError Python int too large to convert to C ssize_t\n");
  EXPECT_EQ(outcome("len(range(2**62)[::1])"), "MemoryError \n");
  // No fixed item count any more: a budget that holds them builds them.
  EXPECT_EQ(outcome("len(list(range(3 * 10**6)))", int64_t(256) << 20), "3000000\n");
  EXPECT_EQ(outcome("len(list(range(3 * 10**6)))", int64_t(32) << 20), "MemoryError \n");
}

TEST(SizesThatWrap, SliceStepsPastSixtyFourBitsAreClamped) {
  EXPECT_EQ(outcome("'abc'[::10**20] + 'abc'[1::2**63 - 1] + 'abc'[::-10**20]"), "abc\n");
  EXPECT_EQ(outcome("list(range(10))[::-2**63]"), "[9]\n");
}

// ---- big integers -------------------------------------------------------------------------

TEST(BigIntBudget, MultiplicationChargesItsWork) {
  // 7**100000 takes a few hundred thousand units of limb work.
  EXPECT_EQ(run("    - print: \"{7**100000 % 10}\"\n", 10'000'000).status, 0);
  RunResult r = run("    - print: \"{7**100000 % 10}\"\n", 20'000);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("instructions without awaiting, last at t.yaml:3"), std::string::npos) << r.err;
}

TEST(BigIntBudget, DivisionChargesUpFrontSoAnImpossibleOneFailsAtOnce) {
  const BigInt a = BigInt::pow(BigInt(2), 2'000'000), b = BigInt::pow(BigInt(3), 600'000) + BigInt(1);
  BudgetScope scope(1'000'000, INT64_MAX);
  EXPECT_THROW(BigInt::floordiv(a, b), BusyExceeded);
  // Refused before the ~1 s of work: the whole division was charged in one
  // go, far past the limit (charging as it went would stop just past it).
  EXPECT_GT(corun::g_budget.busy, uint64_t(100'000'000));
}

TEST(BigIntBudget, PowReservesItsResult) {
  BudgetScope scope(~0ull, int64_t(64) << 20);
  EXPECT_THROW(BigInt::pow(BigInt(2), 1'000'000'000), std::bad_alloc);  // 125 MB
  EXPECT_THROW(BigInt::pow(BigInt(-3), uint64_t(1) << 40), std::bad_alloc);
  EXPECT_EQ(BigInt::pow(BigInt(2), 100).to_string(), "1267650600228229401496703205376");
}

TEST(BigIntBudget, HugePowersAreMemoryErrorsAtOnce) {
  EXPECT_EQ(outcome("2**(2**40)"), "MemoryError \n");
  EXPECT_EQ(outcome("2**(2**70)"), "MemoryError \n");
  EXPECT_EQ(outcome("(-2)**(2**70) > 0"), "MemoryError \n");
  EXPECT_EQ(outcome("len(str(3**1000))"), "478\n");
}

TEST(BigIntBudget, StrOfAnIntTooLongToPrintFailsBeforeConverting) {
  // 7**1000000 costs about 3 * 10**7 units; converting its 845,099 digits,
  // quadratic, would cost about 10**10.
  RunResult r = run(attempt("str(7**1000000)"), 60'000'000);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "ValueError Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() "
            "to increase the limit\n");
  EXPECT_EQ(outcome("int('7' * 5000)"),
            "ValueError Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use "
            "sys.set_int_max_str_digits() to increase the limit\n");
  EXPECT_EQ(outcome("int('-' + '7' * 4300) % 10"), "3\n");
}

// Exact; how fast is bench/'s to measure (CPython: about 0.1 s; corun's
// Karatsuba: similar), never a test's.
TEST(BigIntBudget, ThreeToTheMillionIsExact) {
  EXPECT_EQ(outcome("(3**1000000) % 1000007"), std::to_string([] {
              int64_t r = 1;
              for (int i = 0; i < 1000000; ++i) r = r * 3 % 1000007;
              return r;
            }()) + "\n");
}

// ---- native loops the busy guard must see ------------------------------------------------

// The guard stops it (a loop it does not see would run for years: ctest's
// TIMEOUT ends that; no wall-clock bound here).
void expect_busy_guard(const std::string& expr) {
  RunResult r = run("    - print: \"{" + expr + "}\"\n", 2'000'000);
  EXPECT_EQ(r.status, 3) << expr << "\n" << r.out << r.err;
  EXPECT_NE(r.err.find("instructions without awaiting"), std::string::npos) << expr << "\n" << r.err;
}

TEST(NativeLoops, AreChargedToTheBusyGuard) {
  expect_busy_guard("sum(range(10**18))");
  expect_busy_guard("any(x < 0 for x in range(10**18))");
  expect_busy_guard("all(x >= 0 for x in range(10**7))");
  expect_busy_guard("len([x for x in range(10**18)])");
  expect_busy_guard("len(sorted(range(10**6), reverse=True))");
  expect_busy_guard("max([x for x in range(3 * 10**6)])");
  expect_busy_guard("-1 in list(range(10**7))");
  expect_busy_guard("list(range(10**7)).count(-1)");
  expect_busy_guard("len(str(list(range(10**7))))");
  expect_busy_guard("len(('ab ' * 10**7).split())");
}

TEST(NativeLoops, SmallInputsStayWellUnderTheGuard) {
  RunResult r = run("    - print: \"{sum(range(1000))} {sorted([3, 1, 2])} {'-'.join(['a'] * 3)} {max(range(10))}\"\n", 50'000);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "499500 [1, 2, 3] a-a-a 9\n");
}

}  // namespace
