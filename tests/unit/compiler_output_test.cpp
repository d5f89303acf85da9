// What the compiler emits for small scenarios: the instructions of each
// coroutine and function (engine/compile/code.h), their operands, jump
// targets and flags, and which verb of the step table (compiler.cpp's
// verb_rules) each step went through. A change in code generation shows
// here as a changed instruction list, before any golden file moves.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/compile/code.h"
#include "engine/load/diagnostics.h"

namespace corun {
namespace {

std::unique_ptr<Program> compile(const std::string& yaml) {
  return compile_scenario(std::make_shared<const SourceFile>("t.yaml", yaml));
}

// The scenario's own code object called `name` (not the prelude's).
const CodeObject& code_named(const Program& p, const std::string& name) {
  for (auto& c : p.codes)
    if (!c->internal && c->name == name) return *c;
  ADD_FAILURE() << "no code object " << name;
  static CodeObject none;
  return none;
}

std::vector<Op> ops(const CodeObject& c) {
  std::vector<Op> v;
  for (auto& i : c.code) v.push_back(i.op);
  return v;
}

std::string diagnostics_of(const std::string& yaml) {
  try {
    compile(yaml);
  } catch (const ScenarioError& e) {
    std::string s;
    for (auto& d : e.diagnostics) s += d.message + (d.hint.empty() ? "" : " [" + d.hint + "]") + "\n";
    return s;
  }
  return "";
}

TEST(CompilerOutput, StraightLineSteps) {
  auto p = compile(R"yaml(
coroutines:
  main:
    - print: "hi"
    - sleep: 0
    - sleep: 0.5
    - set: {x: 1, y: 2}
    - call: print(x)
    - await: asyncio.sleep(0)
      as: r
    - return: x
)yaml");
  const CodeObject& main = code_named(*p, "main");
  ASSERT_EQ(ops(main), (std::vector<Op>{Op::Print, Op::Sleep, Op::Sleep, Op::Assign, Op::Assign, Op::Eval, Op::Await,
                                        Op::Return, Op::Return}));
  EXPECT_TRUE(main.is_coroutine);
  EXPECT_EQ(main.code[1].a, 1);  // sleep: 0 needs no evaluation
  EXPECT_EQ(main.code[2].a, 0);
  EXPECT_EQ(main.code[5].target, nullptr);
  ASSERT_NE(main.code[6].target, nullptr);  // as: r
  EXPECT_EQ(main.code[6].target->name, "r");
  EXPECT_EQ(main.code[0].line, 4);
  EXPECT_EQ(main.code[7].line, 11);
  // Parameters first, then locals, in order of first assignment.
  EXPECT_EQ(main.slot_names, (std::vector<std::string>{"x", "y", "r"}));
}

TEST(CompilerOutput, IfJumpsOverTheBranchNotTaken) {
  auto p = compile(R"yaml(
coroutines:
  main:
    - if: 1 > 2
      then:
        - print: "a"
      else:
        - print: "b"
    - print: "c"
)yaml");
  const CodeObject& main = code_named(*p, "main");
  ASSERT_EQ(ops(main), (std::vector<Op>{Op::JumpIfFalse, Op::Print, Op::Jump, Op::Print, Op::Print, Op::Return}));
  EXPECT_EQ(main.code[0].a, 3);  // to the else branch
  EXPECT_EQ(main.code[2].a, 4);  // past it
}

TEST(CompilerOutput, WhileLoopsBackToItsTest) {
  auto p = compile(R"yaml(
coroutines:
  main:
    - set: {i: 0}
    - while: i < 3
      steps:
        - set: {i: i + 1}
        - if: i == 2
          then: [break]
)yaml");
  const CodeObject& main = code_named(*p, "main");
  ASSERT_EQ(ops(main), (std::vector<Op>{Op::Assign, Op::JumpIfFalse, Op::Assign, Op::JumpIfFalse, Op::Jump, Op::Jump,
                                        Op::Return}));
  EXPECT_EQ(main.code[1].a, 6);  // the loop's exit
  EXPECT_EQ(main.code[4].a, 6);  // break
  EXPECT_EQ(main.code[5].a, 1);  // back to the test
}

TEST(CompilerOutput, TryExceptSetsUpAHandler) {
  auto p = compile(R"yaml(
coroutines:
  main:
    - try:
        - raise: ValueError("x")
      except:
        - type: ValueError
          as: e
          steps:
            - print: "{e}"
)yaml");
  const CodeObject& main = code_named(*p, "main");
  std::vector<Op> v = ops(main);
  ASSERT_GE(v.size(), 6u);
  EXPECT_EQ(v[0], Op::SetupTry);
  EXPECT_EQ(v[1], Op::Raise);
  EXPECT_EQ(v[2], Op::PopBlock);
  // The handler starts where SetupTry says, with the match of its type.
  const Instr& setup = main.code[0];
  ASSERT_LT(size_t(setup.a), v.size());
  EXPECT_EQ(v[size_t(setup.a)], Op::Match);
  ASSERT_NE(main.code[size_t(setup.a)].target, nullptr);
  EXPECT_EQ(main.code[size_t(setup.a)].target->name, "e");
  // `except ... as e` unbinds e when the handler ends, as Python does.
  EXPECT_NE(std::find(v.begin(), v.end(), Op::Clear), v.end());
  EXPECT_NE(std::find(v.begin(), v.end(), Op::PopExc), v.end());
}

TEST(CompilerOutput, VerbsThatCallAsyncioCompileToAwaits) {
  auto p = compile(R"yaml(
coroutines:
  work:
    - sleep: 1
  main:
    - task: work()
      as: t
      name: "w"
    - gather: [work(), work()]
      as: both
    - wait_for: work()
      timeout: 5
    - cancel: t
      msg: "bye"
)yaml");
  const CodeObject& main = code_named(*p, "main");
  ASSERT_EQ(ops(main), (std::vector<Op>{Op::CreateTask, Op::Gather, Op::Await, Op::Cancel, Op::Return}));
  EXPECT_NE(main.code[0].e2, nullptr);  // name:
  EXPECT_EQ(main.code[1].a, 0);         // a list of awaitables, not one iterable
  EXPECT_NE(main.code[3].e2, nullptr);  // msg:
  // wait_for is asyncio.wait_for(EXPR, timeout) awaited.
  ASSERT_EQ(main.code[2].e->kind, ExprKind::Call);
}

TEST(CompilerOutput, TaskInAGroupIsTheGroupsCreateTask) {
  auto p = compile(R"yaml(
coroutines:
  work:
    - sleep: 1
  main:
    - task_group: tg
      steps:
        - task: work()
          group: tg
)yaml");
  const CodeObject& main = code_named(*p, "main");
  std::vector<Op> v = ops(main);
  EXPECT_EQ(std::count(v.begin(), v.end(), Op::CreateTask), 0);
  bool method_call = false;
  for (auto& i : main.code)
    if (i.op == Op::Eval && i.e && i.e->kind == ExprKind::Call && !i.e->kids.empty() && i.e->kids[0] &&
        i.e->kids[0]->kind == ExprKind::Attr && i.e->kids[0]->name == "create_task")
      method_call = true;
  EXPECT_TRUE(method_call);
}

TEST(CompilerOutput, YieldMakesAGeneratorOrAnAsyncGenerator) {
  auto p = compile(R"yaml(
functions:
  gen:
    - yield: 1
coroutines:
  agen:
    - yield: 2
  main:
    - pass
)yaml");
  EXPECT_TRUE(code_named(*p, "gen").is_generator);
  EXPECT_FALSE(code_named(*p, "gen").is_coroutine);
  EXPECT_TRUE(code_named(*p, "agen").is_async_gen);
  EXPECT_EQ(ops(code_named(*p, "gen"))[0], Op::Yield);
}

// The verb table's columns, each seen through the compiler's messages.
TEST(CompilerVerbTable, ModifiersAreTheOnlyOtherKeys) {
  EXPECT_NE(diagnostics_of("coroutines:\n  main:\n    - gather: [f()]\n      as: x\n      msg: 1\n").find(
                "unknown key 'msg' in a `gather` step; it takes `as`, `return_exceptions`"),
            std::string::npos);
  EXPECT_NE(diagnostics_of("coroutines:\n  main:\n    - print: x\n      as: y\n").find("it takes no other keys"),
            std::string::npos);
}

TEST(CompilerVerbTable, AwaitingVerbsNeedACoroutine) {
  for (const char* step : {"sleep: 1", "await: f()", "gather: [f()]", "wait_for: f()\n      timeout: 1", "wait: [f()]"}) {
    std::string d = diagnostics_of(std::string("functions:\n  f:\n    - ") + step + "\n");
    EXPECT_NE(d.find("awaits, and a plain function cannot await"), std::string::npos) << step << ": " << d;
  }
  EXPECT_EQ(diagnostics_of("functions:\n  f:\n    - block: 1\n    - call: print(1)\ncoroutines:\n  main:\n    - pass\n"), "");
}

TEST(CompilerVerbTable, FunctionOnlyVerbsAreNotForTheModuleBody) {
  EXPECT_NE(diagnostics_of("script:\n  - return: 1\n").find("`return` in `script:`: the module body is not a function"),
            std::string::npos);
  EXPECT_NE(diagnostics_of("script:\n  - yield: 1\n").find("`yield` in `script:`"), std::string::npos);
  EXPECT_NE(diagnostics_of("script:\n  - sleep: 1\n").find("`sleep` in `script:`"), std::string::npos);
}

TEST(CompilerVerbTable, AVerbThatIsAlsoAModifierIsTheModifier) {
  // `timeout` is a verb, and wait_for's modifier: here, the latter.
  EXPECT_EQ(diagnostics_of("coroutines:\n  f:\n    - sleep: 1\n  main:\n    - wait_for: f()\n      timeout: 1\n"), "");
  EXPECT_NE(diagnostics_of("coroutines:\n  main:\n    - print: 1\n      sleep: 1\n").find("a step has one verb"),
            std::string::npos);
  EXPECT_NE(diagnostics_of("coroutines:\n  main:\n    - prnt: 1\n").find("unknown step 'prnt'; did you mean 'print'?"),
            std::string::npos);
}

}  // namespace
}  // namespace corun
