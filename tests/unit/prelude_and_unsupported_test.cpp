// The asyncio prelude compiled once per process (engine/compile/prelude.h) and the
// load-time "corun does not support" errors (engine/compile/unsupported.h).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/compile/code.h"
#include "engine/load/diagnostics.h"
#include "engine/compile/prelude.h"
#include "engine/compile/unsupported.h"
#include "tests/unit/run_scenario.h"

namespace {

using corun::testing::run_yaml;

std::unique_ptr<corun::Program> compile(const std::string& yaml) {
  return corun::compile_scenario(std::make_shared<const corun::SourceFile>("t.yaml", yaml));
}

std::string first_error(const std::string& yaml) {
  try {
    compile(yaml);
  } catch (const corun::ScenarioError& e) {
    return e.diagnostics.empty() ? "(no diagnostic)" : e.diagnostics[0].message;
  }
  return "(compiled)";
}

const char* kQueueScenario = R"(
coroutines:
  worker:
    params: [q, name]
    steps:
      - await: q.get()
        as: item
      - print: "{name} got {item}"
      - call: q.task_done()
  main:
    - set: {q: asyncio.Queue()}
    - task: worker(q, "a")
    - task: worker(q, "b")
    - call: q.put_nowait(1)
    - call: q.put_nowait(2)
    - await: q.join()
    - async_with: asyncio.Lock()
      steps:
        - print: "locked"
)";

TEST(CompiledPrelude, EveryProgramSharesTheOneCompiledPrelude) {
  auto a = compile(kQueueScenario);
  auto b = compile(kQueueScenario);
  ASSERT_TRUE(a->prelude);
  EXPECT_EQ(a->prelude.get(), b->prelude.get());
  EXPECT_EQ(a->prelude.get(), corun::compiled_prelude().get());
  EXPECT_EQ(a->prelude_module, b->prelude_module);
  // The prelude's globals come first, at the same indices, hidden.
  const corun::Program& p = a->prelude->program;
  ASSERT_LE(p.globals.size(), a->globals.size());
  for (size_t i = 0; i < p.globals.size(); ++i) {
    EXPECT_EQ(a->globals[i].name, p.globals[i].name);
    EXPECT_TRUE(a->globals[i].hidden);
  }
  // The scenario's own code objects are its own; the prelude's are not copied.
  EXPECT_EQ(a->codes.size(), b->codes.size());
  EXPECT_LT(a->codes.size(), p.codes.size());
}

TEST(CompiledPrelude, RunsInOneProcessDoNotSeeEachOthersState) {
  // The prelude's code (and its inline caches) is shared; its classes,
  // queues and globals are made again for each run.
  std::string expected = "a got 1\nb got 2\nlocked\n";
  for (int i = 0; i < 3; ++i) {
    auto r = run_yaml(kQueueScenario);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, expected) << "run " << i;
  }
}

TEST(Unsupported, CPythonBuiltinsModulesAndAttributesCorunLacksAreSaidSo) {
  EXPECT_EQ(first_error("coroutines:\n  main:\n    - call: open('f')\n"), "corun does not support the builtin 'open' yet");
  EXPECT_EQ(first_error("coroutines:\n  main:\n    - print: \"{json.dumps(1)}\"\n"),
            "corun does not support the module 'json' yet");
  EXPECT_EQ(first_error("coroutines:\n  main:\n    - await: asyncio.open_unix_connection('p')\n"),
            "corun does not support asyncio.open_unix_connection yet");
  EXPECT_EQ(first_error("coroutines:\n  main:\n    - call: random.shuffle([1])\n"),
            "corun does not support random.shuffle yet");
}

TEST(Unsupported, ANameNobodyHasIsPythonsAttributeErrorWithASuggestion) {
  EXPECT_EQ(first_error("coroutines:\n  main:\n    - sleep: 0\n    - await: asyncio.slep(1)\n"),
            "module 'asyncio' has no attribute 'slep'; did you mean 'asyncio.sleep'?");
  EXPECT_EQ(first_error("coroutines:\n  main:\n    - call: nosuchname()\n").rfind("undefined name 'nosuchname'", 0), 0u);
}

TEST(Unsupported, WhatCorunProvidesIsReadFromCorunItself) {
  // Natively made attributes and the prelude's exports alike.
  const auto& asyncio = corun::provided_module_attrs("asyncio");
  for (const char* name : {"sleep", "gather", "Queue", "Lock", "TaskGroup", "wait_for", "timeout"})
    EXPECT_NE(std::find(asyncio.begin(), asyncio.end(), name), asyncio.end()) << name;
  EXPECT_TRUE(corun::is_builtin_module("time"));
  EXPECT_FALSE(corun::is_builtin_module("len"));
  EXPECT_FALSE(corun::unsupported_name("my_own_variable"));
  EXPECT_FALSE(corun::missing_module_attr("asyncio", "Queue"));
  EXPECT_FALSE(corun::missing_module_attr("asyncio", "__name__"));  // left to run time
}

TEST(Unsupported, LocalsNamedLikeModulesAreTheLocals) {
  auto r = run_yaml(R"(
coroutines:
  main:
    - set: {queue: 1, string: 2}
    - print: "{queue + string} {asyncio.__name__}"
)");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "3 asyncio\n");
}

}  // namespace
