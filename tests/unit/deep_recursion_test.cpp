// Native recursion on deep data is bounded (engine/python/recursion.h): repr, str,
// comparison, hashing, isinstance, except* and gather's cancel raise
// RecursionError with CPython's message instead of overflowing the stack.
// The messages are CPython 3.11's for the same Python program (hash: CPython
// crashes, corun raises the plain message).
#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/python/recursion.h"
#include "tests/unit/run_scenario.h"

namespace {

using corun::testing::run_yaml;

std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

// `a` (and `b`) built by `step` 200,000 times from `init`, then `use`.
corun::testing::RunResult run_deep(const std::string& init, const std::string& step, const std::string& use) {
  return run_yaml("coroutines:\n  main:\n    - set: {a: !expr '" + init + "', b: !expr '" + init +
                  "'}\n    - for: i\n      in: range(200000)\n      steps:\n        - set: {a: !expr '" + step +
                  "', b: !expr '" + step + "'}\n" + use);
}

struct Case {
  const char* name;
  const char* init;
  const char* step;
  const char* use;
  const char* last;  // the last line of stderr
};

const Case kCases[] = {
    {"repr list", "[]", "[a]", "    - print: \"{a}\"", "RecursionError: maximum recursion depth exceeded while getting the repr of an object"},
    {"repr dict", "{}", "{1: a}", "    - print: \"{a!r}\"", "RecursionError: maximum recursion depth exceeded while getting the repr of an object"},
    {"repr exception", "None", "ValueError(a)", "    - print: \"{a!r}\"", "RecursionError: maximum recursion depth exceeded while getting the repr of an object"},
    {"str exception", "None", "ValueError(a)", "    - print: \"{a}\"", "RecursionError: maximum recursion depth exceeded while getting the str of an object"},
    {"uncaught", "None", "ValueError(a)", "    - raise: a", "ValueError: <exception str() failed>"},
    {"==", "[]", "[a]", "    - print: \"{a == b}\"", "RecursionError: maximum recursion depth exceeded in comparison"},
    {"<", "()", "(a,)", "    - print: \"{a < b}\"", "RecursionError: maximum recursion depth exceeded in comparison"},
    {"in", "[]", "[a]", "    - print: \"{a in [b]}\"", "RecursionError: maximum recursion depth exceeded in comparison"},
    {"sorted", "[]", "[a]", "    - print: \"{sorted([a, b])}\"", "RecursionError: maximum recursion depth exceeded in comparison"},
    {"hash", "()", "(a,)", "    - print: \"{ {a: 1} }\"", "RecursionError: maximum recursion depth exceeded"},
    {"isinstance", "str", "(str, a)", "    - print: \"{isinstance(1, a)}\"", "RecursionError: maximum recursion depth exceeded in __instancecheck__"},
    {"except*", "ValueError(1)", "ExceptionGroup(\"x\", [a])",
     "    - try:\n        - raise: a\n      except_star:\n        - type: ValueError\n          steps:\n            - print: caught",
     "RecursionError: maximum recursion depth exceeded in exceptiongroup_split_recursive"},
    {"gather cancel", "asyncio.get_running_loop().create_future()", "asyncio.gather(a)", "    - print: \"{a.cancel()}\"",
     "RecursionError: maximum recursion depth exceeded while calling a Python object"},
};

TEST(DeepRecursion, EachRecursiveOperationRaisesCPythonsRecursionError) {
  for (const Case& c : kCases) {
    auto r = run_deep(c.init, c.step, c.use);
    EXPECT_EQ(r.status, 1) << c.name << "\n" << r.err.substr(0, 2000);
    EXPECT_EQ(last_line(r.err), c.last) << c.name;
    EXPECT_EQ(corun::g_native_depth, 0) << c.name << ": the depth counter unwinds with the exception";
  }
}

// After a RecursionError, shallow data works again: the counter unwound.
TEST(DeepRecursion, CaughtRecursionErrorLeavesTheLimitIntact) {
  auto r = run_deep("[]", "[a]", R"(    - try:
        - print: "{a}"
      except:
        - type: RecursionError
          steps:
            - print: caught
    - set: {s: !expr '[]'}
    - for: i
      in: range(900)
      steps:
        - set: {s: !expr '[s]'}
    - print: "{len(repr(s))} {s == s[:]}"
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "caught\n1802 True\n");
}

TEST(DeepRecursion, SelfReferentialContainersPrintWithEllipsis) {
  auto r = run_yaml(R"(
coroutines:
  main:
    - set: {a: !expr '[]', d: !expr '{}'}
    - call: a.append(a)
    - set: {"d[\"k\"]": d}
    - print: "{a} {d} {a == a}"
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "[[...]] {'k': {...}} True\n");
}

// corun's own reports repr what they show; on deep data that raises, and
// the report says so and the run goes on (it used to abort: the report of
// an unretrieved exception runs while the task is freed). Python:
//   async def boom(e): raise e
//   ... t = create_task(boom(deep)); await sleep(0.1); del t
// prints "Exception in default exception handler" and the RecursionError.
TEST(DeepRecursion, ReportsOfDeepDataDoNotRaise) {
  auto r = run_yaml(R"(
coroutines:
  boom:
    params: [e]
    steps:
      - raise: e
  main:
    - set: {a: ValueError(0)}
    - for: i
      in: range(5000)
      steps:
        - set: {a: ValueError(a)}
    - task: boom(a)
      as: t
    - sleep: 0.1
    - set: {t: None, a: None}
    - sleep: 0.1
    - print: done
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "done\n");
  EXPECT_EQ(r.err, "Exception in default exception handler\n"
                   "RecursionError: maximum recursion depth exceeded while getting the repr of an object\n");
}

// Without an interpreter (plain data, as in the dict tests) the overflow
// is a C++ exception, still no stack overflow.
TEST(DeepRecursion, PlainDataWithoutInterpreterThrows) {
  using namespace corun;
  Value a = make_list(), b = make_list();
  for (int i = 0; i < 100000; ++i) {
    a = make_list({a});
    b = make_list({b});
  }
  EXPECT_THROW(values_equal(a, b), std::runtime_error);
  EXPECT_EQ(g_native_depth, 0);
  Value t = make_tuple();
  for (int i = 0; i < 100000; ++i) t = make_tuple({t});
  EXPECT_THROW(value_hash(t), std::runtime_error);
  EXPECT_EQ(g_native_depth, 0);
}

}  // namespace
