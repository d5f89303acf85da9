// The compiler's one class (engine/compile/compiler.cpp and its siblings):
// Compiler turns a scenario's YAML tree into a Program. Its work is split
// by concern, as CPython splits compile.c from symtable.c:
//   compiler.cpp        the scenario's sections, globals, definitions and
//                       classes, one body at a time; the prelude; compile_scenario
//   compile_expr.cpp    expressions from YAML values, targets, awaits inside
//                       expressions (lowered by lower_await.cpp)
//   resolve.cpp         name resolution: each name bound to a slot, cell, free
//                       variable, global or builtin, over symtable.h's scopes
//   compile_steps.cpp   the step language: the verb table and its handlers
//   compile_blocks.cpp  blocks: if, while, for, try/except/finally, with,
//                       async with/for, break/continue/return unwinding
// Private to engine/compile/: other code calls compile_scenario (code.h).
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "engine/asyncio/native.h"
#include "engine/compile/code.h"
#include "engine/compile/language_tables.h"
#include "engine/compile/lower_await.h"
#include "engine/compile/prelude.h"
#include "engine/compile/symtable.h"
#include "engine/compile/unsupported.h"
#include "engine/load/yaml_doc.h"
#include "engine/python/builtins.h"
#include "engine/python/classes.h"

namespace corun {

struct Construct {
  enum Kind { Loop, TryExcept, Handler, Finally, FinallyExc, AsyncWith, StarHandler, With } kind;
  int continue_pc = 0;
  std::vector<size_t> break_jumps;
  int as_slot = -1;                  // Handler: the `as` name to unbind
  const Expr* as_name = nullptr;     // Handler: that name (a cell when a closure captured it)
  const YNode* finally_steps = nullptr;  // Finally: to inline on break/continue/return
  size_t outer_depth = 0;            // Finally: construct-stack depth outside the try
  int mgr_slot = -1;                 // AsyncWith: the context manager; With: its bound __exit__
};

class Compiler : private LoweringHost {
 public:
  Compiler(Program& p, const SourceFile& src) : prog_(p), src_(src) {}

  // corun's own asyncio (queues, locks, timeouts, task groups, wait ...),
  // written in the scenario language as ports of CPython's Lib/asyncio. Its
  // definitions are hidden globals, exported as attributes of `asyncio`.
  void compile_prelude(const YNode& root);

  void compile(const YNode& root);
  // A scenario that may name the prelude's private builtins (unit tests
  // of the natives behind them: compile_scenario_with_private_builtins).
  bool private_builtins_ = false;

 private:
  Program& prog_;
  const SourceFile& src_;
  std::vector<Diagnostic> errors_;
  CodeObject* module_ = nullptr;
  CodeObject* current_ = nullptr;
  bool current_is_coroutine_ = true;
  // Scopes (engine/compile/symtable.h): the one whose steps are being compiled, and
  // the codes of the top-level definition being compiled, nested ones
  // included, whose names are resolved when it is complete.
  SymTable symtable_;
  SymScope* scope_ = nullptr;
  struct PendingCode { CodeObject* code; SymScope* scope; };
  std::vector<PendingCode> pending_;
  std::vector<Construct> constructs_;
  int hidden_counter_ = 0;
  bool prelude_ = false;
  bool has_return_value_ = false;  // in the body being compiled
  CodeObject* prelude_module_ = nullptr;
  std::unordered_map<std::string, int> first_global_;          // every global, prelude included
  std::unordered_map<std::string, int> first_visible_global_;  // the scenario's own
  std::unordered_set<int> exception_globals_;                  // declared under `exceptions:`
  std::unordered_set<int> compiled_classes_;                   // classes compiled so far (bases must come first)
  bool module_scope_ = false;                 // compiling `script:`: every name it binds is a module global
  std::vector<const Expr*> module_attrs_;     // `asyncio.x` & co, checked once names are resolved
  int current_class_ = -1;  // the class whose method is being compiled: zero-argument super()'s __class__

  // ---- diagnostics ----
  static constexpr size_t kMaxErrors = 20;
  void error(SourcePos pos, std::string msg, std::string hint = "");
  // Past the first errors, the costly parts of a message (did-you-mean over
  // every visible name) are skipped: thousands of errors stay linear.
  bool errors_full() const { return errors_.size() >= kMaxErrors; }
  [[noreturn]] void fail(SourcePos pos, std::string msg, std::string hint = "");

  std::string scalar_text(const YNode& n, const char* what);

  void compile_options(const YNode& opts);

  // ---- globals ----
  // Every name reference resolves here: a hash lookup, so that loading stays
  // linear in the number of definitions. The prelude sees every global (its
  // own hidden ones first); a scenario sees only its own.
  int global_index(const std::string& name) const;
  void add_global(const std::string& name, SourcePos pos);
  int visible_builtin(const std::string& name) const;

  void declare_section(const YNode& root, const char* section);

  static bool valid_identifier(const std::string& s);

  CodeObject* new_code(const std::string& name, bool is_coroutine, SourcePos pos);

  bool is_builtin_exception(const std::string& name) const;

  void compile_exceptions(const YNode& section);

  void compile_definitions(const YNode& section, bool coroutine);

  void compile_classes(const YNode& section);

  // ---- one coroutine or function ----
  // The state of the body being compiled, saved while a nested `def` is.
  struct BodyState {
    CodeObject* current;
    bool is_coroutine;
    std::vector<Construct> constructs;
    bool has_return_value;
    SymScope* scope;
    bool module_scope;
  };
  BodyState enter_body(CodeObject* code, bool coroutine, SymScope* scope);
  void leave_body(BodyState& saved);

  // A definition: a top-level one (enclosing == null), or a `def` step
  // inside `enclosing`, whose parameter defaults go to `nested_defaults`
  // (evaluated where the step runs). `verb` is the step's own key.
  CodeObject* compile_body(const std::string& name, const YNode& def, bool coroutine, SourcePos pos, bool method, SymScope* enclosing = nullptr, std::vector<ExprPtr>* nested_defaults = nullptr, const char* verb = nullptr);

  void compile_body_into(CodeObject& code_ref, const std::string& name, const YNode& def, bool method, std::vector<ExprPtr>* nested_defaults, const char* verb);

  // `native: NAME` (the prelude only): the body is C++ (engine/asyncio/native.h).
  // The parameters were bound above; the port's locals and its result
  // follow them, and the code is Op::Native then the return of that result.
  void compile_native_body(CodeObject& code, const YNode& name);

  // Names are resolved once a top-level definition is complete, nested
  // definitions included: only then is every scope's set of locals known,
  // and with it what each closure captures.
  void resolve_definition(SymScope* root);
  void finish_resolution(SymScope* root);

  // decorators: [EXPR, ...] -- Python's @EXPR lines, outermost first: each
  // an expression evaluated in module scope when the definition is made.
  std::vector<ExprPtr> decorator_exprs(const YNode& list);  // parsed, not resolved
  void compile_decorators(const YNode& list, CodeObject& code);

  static int last_line(CodeObject* c) { return c->code.empty() ? c->def_line : c->code.back().line; }

  void compile_params(const YNode& params, CodeObject& code, std::vector<ExprPtr>* nested_defaults = nullptr);

  // ---- the module: `script:` and `global:` ----
  // The script is the module body: a plain (non-async) code object run once
  // at start, whose names are the module's globals.
  void compile_script(const YNode& steps);

  // A module variable (assigned by the script or declared `global`): unbound
  // until assigned. A definition of that name is the same global.
  void declare_module_global(const std::string& name, SourcePos pos);

  // Every `global:` step of the definitions, before any body is compiled: a
  // function may read a global that only another function's `global` creates.
  void declare_global_statements(const YNode& n);

  static std::vector<const YNode*> global_names(const YNode& v);

  static bool mentions_name(const Expr& e, const std::string& name);

  // `global: NAME` / `global: [A, B]`: the names are the module's in this
  // body. CPython's symtable refuses a parameter, a name already assigned,
  // then one already used.
  void compile_global(const YNode& arg);

  int declare_local(const std::string& name, SourcePos pos = {});

  int hidden_slot(const char* what);

  // A return, break or continue that leaves try/finally blocks repeats
  // their finally steps (as CPython's compiler does); nested ones multiply,
  // so a small file can ask for billions of instructions. Bounded here.
  static constexpr size_t kMaxInstructions = 1'000'000;
  size_t instructions_ = 0;

  size_t emit(Instr ins, int line);
  int here() const { return int(current_->code.size()); }

  // ---- await inside expressions (engine/compile/lower_await.cpp) ----
  // Whether any expression text so far may hold `await`, `async for` or
  // `:=`: the passes below walk expressions only then, so scenarios without
  // them load exactly as fast as before.
  bool await_syntax_seen_ = false;
  void note_await_syntax(const std::string& raw);
  // `word` as a whole word (so `asyncio` is not `async`); erring on the
  // side of yes costs only the walks.
  static bool has_keyword(const std::string& text, std::string_view word);
  bool lowering_ = false;
  static bool instruction_awaits(const Instr& ins);
  // Emits the instructions that evaluate the awaits of `ins` in Python's
  // order, and leaves `ins` with the await-free rest.
  void lower_awaits(Instr& ins, int line);
  // The hidden slots of one lowered instruction: unbound once it is done,
  // so they hold no value longer than CPython's stack does.
  std::vector<int> lowered_temps_;
  void release_lowered_temps(Op op, int line);
  int temp_slot(const char* what) override;
  size_t emit_lowered(Instr ins, int line) override { return emit(ins, line); }
  int next_pc() const override { return here(); }
  Instr& instr_at(size_t index) override { return current_->code[index]; }
  const Expr* keep(ExprPtr e) override { return own(std::move(e)); }
  void report(SourcePos pos, std::string message, std::string hint) override;
  bool resolving_fields_ = false;
  AwaitContext await_context() const;

  void check_awaits(const Expr& e);

  // Python allows a bare `x := v` as a whole condition of `if`/`while` (and
  // as a list item); anywhere else it must be parenthesized.
  bool bare_walrus_ok_ = false;
  void check_bare_walrus(const Expr& e);

  // ---- expressions from YAML values ----
  ExprPtr parse_guarded(const std::function<ExprPtr()>& f, SourcePos pos, const std::string& raw, bool plain, char in_flow = 0);

  static SourcePos content_pos(const YNode& n);

  ExprPtr expression(const YNode& n, const char* what);

  ExprPtr value_expr(const YNode& n);

  // `{1, 2}` written as a value: YAML makes it a flow mapping of keys
  // without values. Refused rather than guessed (Python's meaning is a set):
  // a flow mapping on one line where no key is followed by ':'.
  bool reads_as_a_set(const YNode& n);

  ExprPtr template_expr(const YNode& n);

  // print: a template, quoted or not -- unless tagged !expr, which always
  // means an expression (its value is printed, as print(EXPR)).
  ExprPtr print_template(const YNode& n);

  const Expr* own(ExprPtr e) { return e ? current_->own(std::move(e)) : nullptr; }

  const Expr* target(const YNode& n);

  void declare_target_names(Expr& t);

  // ---- name resolution ----
  // An expression outside any definition (`main`, a field, a default):
  // resolved at once, in a scope standing for the module.
  void resolve_root(Expr& e);
  void collect_root(Expr& e, SymScope* s);
  const Expr* collect_root_ = nullptr;  // the expression being collected, for hints
  std::set<const Expr*> exception_types_;

  std::vector<std::string> visible_names(SymScope* s);
  // Builtins a scenario may name: never corun's private `_helpers`.
  std::vector<std::string> user_builtin_names() const;

  // super().NAME (and super(C, obj).NAME) -> _super_attr(C, obj, "NAME"):
  // zero-argument super() takes the method's class and its first argument,
  // as CPython's __class__ cell and frame do. corun has no super object.
  static bool is_super_call(const Expr& e);
  void rewrite_super(Expr& attr);

  // Every super().NAME of a method's body, rewritten before names are
  // resolved (the rewrite names the class and the method's first argument).
  void rewrite_supers(Expr& e);

  // First walk: which names each scope uses; comprehensions, generator
  // expressions and lambdas open scopes of their own.
  void collect(Expr& e, SymScope* s);

  // `asyncio.open_connection`: an attribute of one of corun's modules that it
  // does not have is said now, not when the line runs (engine/compile/unsupported.h).
  // The prelude is exempt: it is what builds the list of what asyncio has.
  void check_module_attr(const Expr& e);

  // "main.<locals>." for what is defined inside main; "" at the module.
  // Comprehensions and generator expressions add their name without
  // `<locals>` (CPython's compiler_set_qualname).
  static std::string qualname_prefix(SymScope* s);

  // A comprehension is a scope: its variables do not leak. The first
  // iterable is evaluated outside it, as in Python. A generator expression
  // runs lazily, so it gets a code (a frame) of its own.
  void collect_comprehension(Expr& e, SymScope* s);

  void bind_comp_target(Expr& t, SymScope* inner);

  // `lambda params: body` -- a function whose one step returns the body.
  void compile_lambda(Expr& e, SymScope* s);

  // Second walk, after the analysis: each name to its slot, cell, global
  // or builtin.
  void resolve_name(Expr& e, SymScope* s, const Expr* root);

  // ---- steps: one verb per step, dispatched through kVerbRules -------------------------

  // What a verb's handler compiles from: the step's mapping, the verb's
  // value, its `as:` target if any, and where the verb was written.
  struct Step {
    const YNode& node;
    const YNode& arg;
    const YNode* as;
    const std::string& verb;
    SourcePos verb_pos;
    int line;
  };
  using VerbHandler = void (Compiler::*)(const Step&);
  // One verb of the step language, as clox's rules[] row: its name, the
  // keys it takes beside it (its modifiers), whether it awaits (so that
  // only a coroutine may use it), whether it needs a function around it
  // (`return`, `yield`: not in `script:`), and the handler that compiles it.
  struct VerbRule {
    const char* name;
    std::vector<std::string> modifiers;
    bool awaits;
    bool in_function_only;
    VerbHandler compile;
  };
  static const std::vector<VerbRule>& verb_rules();
  friend const std::vector<VerbInfo>& step_verbs();  // the table's public view (language_tables.h)
  static const VerbRule* find_verb(std::string_view name);
  // The verbs' names, in table order (the candidates of "did you mean").
  static const std::vector<std::string>& verb_names();

  void compile_steps(const YNode& steps);

  // A step: a bare word, or a mapping whose one verb key picks its rule;
  // the rule's modifiers are the only other keys allowed, and its flags say
  // where it may appear. Its handler then compiles it.
  void compile_step(const YNode& step);

  // pass, break, continue, raise (re-raise), return, yield as plain words.
  void compile_bare_word(const YNode& step);

  // The step's verb: the key that is one, where the other keys are its
  // modifiers (`timeout` is a verb, and also a modifier of `wait_for`).
  const VerbRule* step_verb(const YNode& step, const YPair*& verb_key);

  bool modifiers_fit(const YNode& step, const VerbRule& rule);

  // An awaiting verb only in a coroutine; an awaiting or function-only verb
  // not in `script:` (Python's SyntaxErrors, said in the scenario's terms).
  bool verb_allowed_here(const YNode& step, const VerbRule& rule, SourcePos verb_pos);

  // ---- the verbs' handlers (kVerbRules' order) ----

  void step_print(const Step& s);

  // sleep: EXPR (asyncio.sleep) and block: EXPR (time.sleep, blocking the loop).
  void step_sleep_or_block(const Step& s, Op op);
  void step_sleep(const Step& s) { step_sleep_or_block(s, Op::Sleep); }
  void step_block(const Step& s) { step_sleep_or_block(s, Op::Block); }

  // await: EXPR and call: EXPR, optionally `as: TARGET`.
  void step_expression(const Step& s, Op op);
  void step_await(const Step& s) { step_expression(s, Op::Await); }
  void step_call(const Step& s) { step_expression(s, Op::Eval); }

  void step_set(const Step& s);

  void step_task(const Step& s);

  void step_gather(const Step& s);

  void step_cancel(const Step& s);

  void step_raise(const Step& s);
  void step_assert(const Step& s);
  void step_del(const Step& s);

  void step_return(const Step& s) { compile_return(s.arg.kind == YNode::Kind::Null ? nullptr : &s.arg, s.line); }
  void step_try(const Step& s) { compile_try(s.node, s.line); }
  void step_if(const Step& s) { compile_if(s.node, s.arg, s.line); }
  void step_while(const Step& s) { compile_while(s.node, s.arg, s.line); }
  void step_for(const Step& s) { compile_for(s.node, s.arg, s.line); }
  void step_pass(const Step&) {}
  void step_break(const Step& s) { compile_break_continue(true, s.verb_pos); }
  void step_continue(const Step& s) { compile_break_continue(false, s.verb_pos); }
  void step_async_for(const Step& s) { compile_async_for(s.node, s.arg, s.line); }
  void step_async_with(const Step& s) { compile_async_with(s.node, s.arg, s.line); }

  void step_timeout(const Step& s);

  void step_task_group(const Step& s);

  void step_wait_for(const Step& s);

  void step_wait(const Step& s);

  void step_yield(const Step& s);

  void step_global(const Step& s) { compile_global(s.arg); }
  void step_with(const Step& s) { compile_with(s.node, s.arg, s.line); }
  void step_def(const Step& s) { compile_nested_def(s.node, s.arg, s.verb, s.line); }
  void step_nonlocal(const Step& s) { compile_nonlocal(s.arg); }

  // `- def: NAME` / `- async_def: NAME` with `params` and `steps`: Python's
  // nested `def` statement. The function is made when the step runs (its
  // defaults evaluated then, in this frame) and closes over this scope.
  void compile_nested_def(const YNode& step, const YNode& name_node, const std::string& verb, int line);

  // `- nonlocal: x` / `- nonlocal: [x, y]`: no instruction, a declaration.
  void compile_nonlocal(const YNode& names);

  static std::string join(const std::vector<std::string>& v);

  void compile_if(const YNode& step, const YNode& cond, int line);

  void compile_while(const YNode& step, const YNode& cond, int line);

  // async for TARGET in EXPR: BODY -- awaits __anext__() until it raises
  // StopAsyncIteration (which only that await is protected against).
  void compile_async_for(const YNode& step, const YNode& tgt, int line);

  void compile_for(const YNode& step, const YNode& tgt, int line);

  bool inside_star_handler(SourcePos pos, const char* what);

  void compile_break_continue(bool is_break, SourcePos pos);

  void compile_return(const YNode* value, int line);

  // Leaves every construct above `depth`, innermost first.
  void emit_unwind(size_t depth, int line);

  // The slot an `except ... as NAME` unbinds at the end of the handler (0
  // when NAME is nonlocal, global or the module's: the Clear then goes
  // through the resolved name, to its cell or the module's globals).
  const Expr* bind_as_name_ = nullptr;
  int handler_slot(const Expr* name);
  // `del NAME`, through its cell when a closure shares it (resolved later).
  void emit_clear(int slot, const Expr* name, int line);

  ExprPtr local_ref(int slot, int line);

  // mgr.__aexit__(None, None, None), or (type(exc), exc, None) with exc in exc_slot.
  ExprPtr aexit_call(int mgr_slot, int exc_slot, int line);

  // An expression the instructions own, taken back to build a bigger one.
  ExprPtr take_owned(const Expr* e);

  ExprPtr method_call(ExprPtr obj, const char* method, std::vector<ExprPtr> args, std::vector<std::pair<std::string, ExprPtr>> kwargs, int line);

  // asyncio.NAME(args...), with `asyncio` bound to the builtin module.
  ExprPtr asyncio_call(const char* name, std::vector<ExprPtr> args, std::vector<std::pair<std::string, ExprPtr>> kwargs, int line);

  void compile_async_with(const YNode& step, const YNode& mgr, int line);

  // async with MGR as TARGET: BODY, as Python 3.11 compiles it: the body's
  // exception goes to __aexit__, whose true result suppresses it.
  void compile_async_with_expr(const YNode& step, ExprPtr mgr_expr, const YNode* as, int line);

  // The instruction that leaves a with (__exit__, called) or an async with
  // (__aexit__, awaited), with exc_slot's exception or none (-1).
  Instr with_exit(Construct::Kind kind, int slot, int exc_slot, int line);

  // The rest of `with` and `async with` once the manager is entered and the
  // try block set up at `setup` (PEP 343): the body; __exit__(None, None,
  // None) on the way out; on an exception __exit__(type, exc, tb), which
  // swallows it when it returns true. `async with` awaits __aexit__ (its
  // manager in `slot`); `with` calls the bound __exit__ kept in `slot`.
  void compile_with_body(Construct::Kind kind, int slot, const YNode& body, size_t setup, int line);

  // exit(None, None, None), or exit(type(exc), exc, exc.__traceback__) with exc in exc_slot.
  ExprPtr exit_call(int exit_slot, int exc_slot, int line);

  // with MGR as TARGET: BODY, as Python 3.11 compiles it (BEFORE_WITH):
  // __enter__ and __exit__ are looked up on the manager's class first, then
  // __enter__ is called; the body's exception goes to __exit__, whose true
  // result suppresses it. Allowed in plain functions: nothing awaits.
  void compile_with(const YNode& step, const YNode& mgr, int line);

  void compile_try(const YNode& step, int line);

  ExprPtr none_test(int slot, CmpOp op, int line);

  ExprPtr helper_call(const char* name, std::vector<ExprPtr> args, int line);

  // except*: each handler takes the part of the (remaining) exception group
  // that matches its types, as ExceptionGroup.split does, and runs with that
  // part as the exception being handled. What the handlers raise and what no
  // handler took are combined as CPython's _PyExc_PrepReraiseStar does
  // (re-raised parts keep the original structure, new exceptions join them
  // in ExceptionGroup("", [...])) and re-raised -- the original exception
  // itself when nothing matched.
  void compile_star_handlers(const YNode& handlers, std::vector<size_t>& to_after, int line);

  void compile_handlers(const YNode& handlers, std::vector<size_t>& to_after, int line);

  // A handler's `type`: one exception class, or a list of them (a tuple).
  ExprPtr handler_types(const YNode& type);

  // `type: CancelledError` means asyncio.CancelledError, as the spec says.
  ExprPtr exception_type_expr(const YNode& t);
};

}  // namespace corun
