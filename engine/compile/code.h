// The compiled form of a scenario: each coroutine and function becomes a
// CodeObject, a flat instruction list over pre-parsed expressions whose names
// are already resolved to frame slots or program globals. The compiler
// (compiler.cpp) builds it once; the interpreter (interp.cpp) runs it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/load/diagnostics.h"
#include "engine/load/expr.h"
#include "engine/python/value.h"

namespace corun {

enum class Op : uint8_t {
  Print,        // e: template
  Eval,         // e: expression; target: optional
  Assign,       // target = e
  Sleep,        // await asyncio.sleep(e); a=1: e is the constant 0
  Block,        // time.sleep(e)
  Await,        // target = await e
  Gather,       // target = await gather(*e, return_exceptions=e2); a=1: e is one iterable
  CreateTask,   // target = create_task(e, name=e2)
  Cancel,       // target = e.cancel(e2)
  Raise,        // raise e [from e2]
  Reraise,      // bare raise: re-raise the exception being handled
  Return,       // return e (or None)
  Yield,        // hand e to the frame awaiting __anext__ (async generators) or to next() (generators); target = the value sent in
  Jump,         // pc = a
  JumpIfFalse,  // if not e: pc = a
  ForInit,      // slot a = iter(e)
  ForNext,      // target = next(slot a), or pc = b when exhausted
  SetupTry,     // push block: exceptions jump to a
  PopBlock,     // pop the innermost block
  PopExc,       // leave an except/finally: restore the handled-exception stack
  Match,        // if the handled exception matches e (None = bare except): bind target; else pc = a
  Delete,       // del target: a name, x[i], x[a:b] or x.attr (Interp::delete_target)
  Clear,        // unbind slot a (`del e` at the end of `except ... as e`); target: the name, when it is a cell or a module global
  PushExc,      // handle e: push it on the handled-exception stack (an except* handler's match)
  Native,       // run the code's C++ body (engine/asyncio/native.h); its result goes to slot a
};

struct Instr {
  Op op;
  int a = 0;
  int b = 0;
  int line = 0;
  const Expr* e = nullptr;
  const Expr* e2 = nullptr;
  const Expr* target = nullptr;
};

struct CodeObject {
  std::string name;          // coroutine or function name
  std::string qualname;      // Class.method for methods (as Python's messages name them)
  bool is_coroutine = true;  // async def
  bool internal = false;     // part of corun's asyncio prelude: hidden from tracebacks
  const struct NativeDef* native = nullptr;  // a body written in C++ (engine/asyncio/native.h)
  bool is_async_gen = false; // has a `yield` step: calling it makes an async generator
  bool is_generator = false; // a plain function with a `yield` step: calling it makes a generator
  // Calling it makes a frame object (a coroutine, generator or async generator) rather than running it.
  bool makes_frame_object() const { return is_coroutine || is_generator; }
  int varargs_slot = -1;     // *args parameter, when there is one
  int varkw_slot = -1;       // **kwargs parameter, when there is one (the last slot of the parameters)
  // Binding other than by position: a *args or **kwargs parameter to fill.
  bool gathers_arguments() const { return varargs_slot >= 0 || varkw_slot >= 0; }
  int def_line = 0;
  std::vector<std::string> params;
  std::vector<const Expr*> param_defaults;  // null when required
  std::vector<const Expr*> decorators;      // `decorators: [...]`, outermost first, in module scope
  std::vector<std::string> slot_names;      // params first, then locals
  // Closures (engine/compile/symtable.h): slots that hold a cell from the frame's
  // start (parameters among them keep their argument inside it), and slots
  // filled from the function's closure, with the defining frame's slot each
  // cell comes from.
  std::vector<int> cell_slots;
  std::vector<int> free_slots;
  std::vector<int> closure_from;
  bool has_cells() const { return !cell_slots.empty() || !free_slots.empty(); }
  std::vector<Instr> code;
  std::vector<ExprPtr> exprs;  // owns every expression the instructions point to
  const Expr* own(ExprPtr e) { exprs.push_back(std::move(e)); return exprs.back().get(); }
  int nslots() const { return int(slot_names.size()); }
};

// A name visible to every coroutine: a coroutine, a function, an exception
// class, a user class, or a module variable.
struct GlobalDef {
  std::string name;
  SourcePos pos;
  Value value;          // filled when the program is instantiated
  bool hidden = false;  // defined by the asyncio prelude: not a name scenarios can use
  bool variable = false;  // a module variable (`script:` assigns it, or `global:` declares it): unbound until assigned
};

struct Program {
  std::string name, description;
  std::shared_ptr<const SourceFile> source;
  std::vector<std::unique_ptr<CodeObject>> codes;
  std::vector<GlobalDef> globals;
  // Pending definitions to instantiate at start: (global index, code) ...
  struct FunctionDef { int global; const CodeObject* code; };
  std::vector<FunctionDef> functions;
  struct ExceptionDef { int global; std::string base; SourcePos pos; };
  std::vector<ExceptionDef> exception_defs;
  struct ClassDef {
    int global;
    std::string base;  // a class defined before this one, or ""
    std::vector<std::pair<std::string, const Expr*>> fields;
    std::vector<std::pair<std::string, const CodeObject*>> methods;
    // Class attributes: evaluated once, when the class is defined, and shared
    // by every instance (Python: NAME = value in the class body).
    std::vector<std::pair<std::string, const Expr*>> attributes;
  };
  std::vector<ClassDef> class_defs;
  CodeObject* module = nullptr;  // evaluates `main` and defaults in global scope
  CodeObject* script = nullptr;  // `script:`, the module body; null: asyncio.run(main_expr)
  const CodeObject* prelude_module = nullptr;  // the same for the asyncio prelude
  // The asyncio prelude, compiled once per process and shared by every
  // Program (engine/compile/prelude.h): its code objects live there; this Program's
  // globals, functions, exception_defs and class_defs start with copies of
  // its entries, which point into it.
  std::shared_ptr<const struct CompiledPrelude> prelude;
  // Prelude definitions that become attributes of the `asyncio` module.
  std::vector<std::pair<std::string, int>> asyncio_exports;
  const Expr* main_expr = nullptr;
  bool debug = false;
  bool has_seed = false;
  int64_t seed = 0;
};

// Loads and compiles a scenario file; throws ScenarioError.
std::unique_ptr<Program> compile_scenario(std::shared_ptr<const SourceFile> source);
// The same, with the prelude's private builtins (_socket, _add_reader ...)
// in reach: for unit tests of the natives no scenario can name
// (tests/unit/sockets_loop_test.cpp).
std::unique_ptr<Program> compile_scenario_with_private_builtins(std::shared_ptr<const SourceFile> source);

}  // namespace corun
