// The module: `script:` as the module body, its globals, `global:`, and
// event loops run one after another (engine/asyncio/event_loops.cpp).
#include <gtest/gtest.h>

#include "tests/unit/run_scenario.h"

namespace {

using corun::testing::run_yaml;

std::string first_error(const std::string& yaml) {
  auto src = std::make_shared<const corun::SourceFile>("x.yaml", yaml);
  try {
    corun::compile_scenario(src);
  } catch (const corun::ScenarioError& e) {
    const auto& d = e.diagnostics.front();
    return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col) + " " + d.message;
  }
  return "compiled";
}

TEST(Module, ScriptGlobalsAreSharedWithFunctionsAndLoopsRunInSequence) {
  auto r = run_yaml(
      "functions:\n"
      "  bump:\n"
      "    - global: n\n"
      "    - set: {n: n + 1}\n"
      "coroutines:\n"
      "  main:\n"
      "    - sleep: 1\n"
      "    - call: bump()\n"
      "    - return: n\n"
      "script:\n"
      "  - set: {n: 10}\n"
      "  - call: asyncio.run(main())\n"
      "    as: a\n"
      "  - call: asyncio.run(main())\n"
      "    as: b\n"
      "  - print: \"{a} {b} {n} {time.time():.1f}\"\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "11 12 12 2.0\n");  // one clock for the process, as time.monotonic()
}

TEST(Module, AModuleVariableReadBeforeAssignmentIsANameError) {
  auto r = run_yaml(
      "functions:\n"
      "  show:\n"
      "    - print: \"{later}\"\n"
      "script:\n"
      "  - call: show()\n"
      "  - set: {later: 1}\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("NameError: name 'later' is not defined"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("t.yaml:5 in <module>"), std::string::npos) << r.err;
}

TEST(Module, AFunctionAssigningANameWithoutGlobalHasALocal) {
  auto r = run_yaml(
      "functions:\n"
      "  f:\n"
      "    - set: {x: 2}\n"
      "    - return: x\n"
      "script:\n"
      "  - set: {x: 1}\n"
      "  - print: \"{f()} {x}\"\n");
  EXPECT_EQ(r.out, "2 1\n");
}

TEST(Module, GlobalSyntaxErrorsAreCPythons) {
  EXPECT_EQ(first_error("functions:\n  f:\n    - set: {x: 1}\n    - global: x\nscript: []\n"),
            "4:15 name 'x' is assigned to before global declaration");
  EXPECT_EQ(first_error("functions:\n  f:\n    params: [x]\n    steps:\n      - global: x\nscript: []\n"),
            "5:17 name 'x' is parameter and global");
  EXPECT_EQ(first_error("functions:\n  f:\n    - print: \"{x}\"\n    - global: x\nscript: []\n"),
            "4:15 name 'x' is used prior to global declaration");
}

TEST(Module, TheModuleBodyCannotAwaitOrReturn) {
  EXPECT_EQ(first_error("coroutines:\n  main: []\nscript:\n  - await: main()\n"),
            "4:5 `await` in `script:`: the module body is not a function");
  EXPECT_EQ(first_error("script:\n  - return\n"), "2:5 `return` in `script:`: the module body is not a function");
  EXPECT_EQ(first_error("coroutines:\n  main: []\nmain: main()\nscript: []\n"),
            "3:7 `main:` and `script:` cannot be used together");
}

TEST(Module, ClosedAndStoppedLoopsRaiseCPythonsRuntimeErrors) {
  auto r = run_yaml(
      "coroutines:\n"
      "  forever:\n"
      "    - sleep: 10\n"
      "script:\n"
      "  - set: {loop: asyncio.new_event_loop()}\n"
      "  - call: loop.call_later(1, loop.stop)\n"
      "  - set: {t: loop.create_task(forever())}\n"
      "  - try:\n"
      "      - call: loop.run_until_complete(t)\n"
      "    except:\n"
      "      - type: RuntimeError\n"
      "        as: e\n"
      "        steps:\n"
      "          - print: \"{e}\"\n"
      "  - call: t.cancel()\n"
      "  - call: loop.close()\n"
      "  - try:\n"
      "      - call: loop.call_soon(print, 1)\n"
      "    except:\n"
      "      - type: RuntimeError\n"
      "        as: e\n"
      "        steps:\n"
      "          - print: \"{e} {loop.is_closed()}\"\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Event loop stopped before Future completed.\nEvent loop is closed True\n");
}

TEST(Module, ACallbacksExceptionReachesTheCustomHandlerWithItsContext) {
  auto r = run_yaml(
      "functions:\n"
      "  handler:\n"
      "    params: [loop, ctx]\n"
      "    steps:\n"
      "      - print: \"{sorted(ctx)} {ctx['exception']!r} {ctx['handle']!r}\"\n"
      "  bad:\n"
      "    - raise: ValueError(1)\n"
      "coroutines:\n"
      "  main:\n"
      "    - call: asyncio.get_running_loop().set_exception_handler(handler)\n"
      "    - call: asyncio.get_running_loop().call_soon(bad)\n"
      "    - sleep: 0\n"
      "main: main()\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "['exception', 'handle', 'message'] ValueError(1) <Handle bad() at t.yaml:6>\n");
}

}  // namespace
