// The lowering of await inside expressions (engine/compile/lower_await.cpp): the
// shape of the instructions it emits, and that code without awaits is left
// exactly as it was.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/compile/code.h"

namespace {

using corun::Op;

// The ops of coroutine `main` in a scenario.
std::string ops_of_main(const std::string& yaml) {
  auto src = std::make_shared<const corun::SourceFile>("x.yaml", yaml);
  auto prog = corun::compile_scenario(src);
  for (auto& code : prog->codes) {
    if (code->name != "main" || code->internal) continue;
    std::string out;
    for (auto& ins : code->code) {
      switch (ins.op) {
        case Op::Print: out += "print "; break;
        case Op::Eval: out += "eval "; break;
        case Op::Assign: out += "assign "; break;
        case Op::Await: out += "await "; break;
        case Op::Jump: out += "jump "; break;
        case Op::JumpIfFalse: out += "jumpif "; break;
        case Op::ForInit: out += "forinit "; break;
        case Op::ForNext: out += "fornext "; break;
        case Op::SetupTry: out += "try "; break;
        case Op::PopBlock: out += "popblock "; break;
        case Op::PopExc: out += "popexc "; break;
        case Op::Match: out += "match "; break;
        case Op::Clear: out += "clear "; break;
        case Op::Reraise: out += "reraise "; break;
        case Op::Return: out += "return "; break;
        default: out += "other "; break;
      }
    }
    return out;
  }
  return "(no main)";
}

const char* kHead = "coroutines:\n  f:\n    - return: 1\n  g:\n    - yield: 1\n  main:\n";

TEST(LowerAwait, ExpressionsWithoutAwaitAreUntouched) {
  EXPECT_EQ(ops_of_main(std::string(kHead) + "    - print: \"{f}\"\n    - set: {x: '[i for i in range(3)]'}\n"),
            "print assign return ");
}

TEST(LowerAwait, AnAwaitBecomesAnAwaitInstructionIntoAHiddenSlot) {
  // await f() into a slot; print the rest; the slot is unbound after.
  EXPECT_EQ(ops_of_main(std::string(kHead) + "    - print: \"{await f()}\"\n"), "await print clear return ");
}

TEST(LowerAwait, OperandsEvaluatedBeforeTheAwaitAreSpilled) {
  // x is read into a slot before f() is awaited: x + (await f()).
  EXPECT_EQ(ops_of_main(std::string(kHead) + "    - set: {x: 1}\n    - set:\n        y: x + await f()\n"),
            "assign assign await assign clear clear return ");
}

TEST(LowerAwait, ShortCircuitOperandsBecomeJumps) {
  EXPECT_EQ(ops_of_main(std::string(kHead) + "    - set:\n        y: f and await f()\n"),
            "assign jumpif await assign assign clear clear return ");
}

TEST(LowerAwait, AsyncComprehensionsBecomeLoops) {
  EXPECT_EQ(ops_of_main(std::string(kHead) + "    - set: {y: !expr \"[x async for x in g()]\"}\n"),
            // result = []; it = aiter(g()); loop: try await anext -> x; append; jump; StopAsyncIteration ends it
            "assign assign try await popblock eval jump match popexc clear jump reraise assign clear clear clear return ");
}

TEST(LowerAwait, AnAwaitOnlyInTheFirstIterableLeavesTheComprehensionWhole) {
  EXPECT_EQ(ops_of_main(std::string(kHead) + "    - set: {y: !expr \"[x for x in await f()]\"}\n"),
            "await assign clear return ");
}

}  // namespace
