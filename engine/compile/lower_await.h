// `await` inside expressions. The interpreter suspends only at instruction
// boundaries (Op::Await), and expressions are evaluated by a recursive walk
// that cannot stop half-way; so the compiler lowers an expression holding
// awaits into instructions first: every subexpression Python evaluates
// before an await is evaluated into a hidden slot before it (A-normal form),
// each await becomes an Op::Await into a hidden slot, `and`/`or`/`if-else`
// and comparison chains with an await in a lazily evaluated operand become
// jumps, and comprehensions holding awaits or `async for` become loops.
// What is left is an await-free expression the original instruction
// evaluates. Python's order of evaluation and side effects is kept exactly.
//
// Lowering works on the parsed tree before names are resolved; the
// compiler's resolution pass later binds what is left. The one binding done
// here is a lowered comprehension's own variables, which get hidden slots.
#pragma once

#include <functional>
#include <string>

#include "engine/compile/code.h"

namespace corun {

// What lowering needs from the compiler.
class LoweringHost {
 public:
  virtual ~LoweringHost() = default;
  virtual int temp_slot(const char* what) = 0;            // a new hidden frame slot
  virtual size_t emit_lowered(Instr ins, int line) = 0;   // appends an await-free instruction
  virtual int next_pc() const = 0;
  virtual Instr& instr_at(size_t index) = 0;              // to patch jump targets
  virtual const Expr* keep(ExprPtr e) = 0;                // owned by the code object
  virtual void report(SourcePos pos, std::string message, std::string hint) = 0;
};

// True when evaluating `e` awaits: an `await`, or a list/dict comprehension
// with an `async for` clause or an await inside. (Generator expressions
// never count: corun does not lower them, check_await_usage rejects them.)
bool contains_await(const Expr& e);

// Lowers the expressions of `ins` (owned by the caller, taken out of the
// instruction): emits through `host` what must run before it, and leaves
// e/e2 await-free. `target` must not await (said through host.report).
void lower_instruction_awaits(Op op, int a, ExprPtr& e, ExprPtr& e2, const Expr* target, int line, LoweringHost& host);

// CPython's fold_iter (Python/ast_opt.c): a list display iterated by a
// comprehension clause (or a `for` statement, not an `async for` one) is
// compiled as a tuple. Only an `async for` clause over it shows the
// difference: "... got tuple".
void fold_iter(Expr& iterable);

// Where an expression is evaluated, for Python's compile-time rules.
enum class AwaitContext { Async, Sync, Module };

// Python's SyntaxErrors for await and async comprehensions in the wrong
// place ('await' outside async function, asynchronous comprehension outside
// of an asynchronous function), and corun's refusal of asynchronous
// generator expressions. Reports the first problem of `root`.
void check_await_usage(const Expr& root, AwaitContext ctx,
                       const std::function<void(SourcePos, std::string, std::string)>& report);

}  // namespace corun
