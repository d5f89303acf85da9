// Compiler (compiler.h): the steps that hold steps -- if, while, for,
// async for, try/except/except*/else/finally, with and async with -- and
// the unwinding that break, continue and return do through them (each
// `finally` inlined, each context manager's __exit__ called), in the
// instruction forms the interpreter runs (code.h's Op).
#include "engine/compile/compiler.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

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

void Compiler::compile_if(const YNode& step, const YNode& cond, int line) {
  Instr test{Op::JumpIfFalse};
  bare_walrus_ok_ = true;
  test.e = own(expression(cond, "if"));
  bare_walrus_ok_ = false;
  const YNode* then = step.get("then");
  if (!then) { error(step.pos, "an `if` step needs `then:` (and optionally `else:`)"); return; }
  size_t jf = emit(test, line);
  compile_steps(*then);
  const YNode* orelse = step.get("else");
  if (orelse) {
    size_t jend = emit(Instr{Op::Jump}, line);
    current_->code[jf].a = here();
    compile_steps(*orelse);
    current_->code[jend].a = here();
  } else {
    current_->code[jf].a = here();
  }
}

void Compiler::compile_while(const YNode& step, const YNode& cond, int line) {
  const YNode* body = step.get("steps");
  if (!body) { error(step.pos, "a `while` step needs `steps:`"); return; }
  int top = here();
  Instr test{Op::JumpIfFalse};
  bare_walrus_ok_ = true;
  test.e = own(expression(cond, "while"));
  bare_walrus_ok_ = false;
  size_t jf = emit(test, line);
  constructs_.push_back(Construct{Construct::Loop, top});
  compile_steps(*body);
  emit(Instr{Op::Jump, top}, line);
  Construct loop = std::move(constructs_.back());
  constructs_.pop_back();
  current_->code[jf].a = here();
  for (size_t j : loop.break_jumps) current_->code[j].a = here();
}

void Compiler::compile_async_for(const YNode& step, const YNode& tgt, int line) {
  const YNode* in = step.get("in");
  const YNode* body = step.get("steps");
  if (!in) { error(step.pos, "an `async_for` step needs `in:`"); return; }
  if (!body) { error(step.pos, "an `async_for` step needs `steps:`"); return; }
  int it_slot = hidden_slot("aiter");
  ExprPtr source = in->kind == YNode::Kind::Seq ? value_expr(*in) : expression(*in, "in");
  if (!source) return;
  std::vector<ExprPtr> args;
  args.push_back(std::move(source));
  Instr init{Op::Assign};
  init.e = own(helper_call("_aiter", std::move(args), line));
  init.target = own(local_ref(it_slot, line));
  emit(init, line);
  int top = here();
  size_t setup = emit(Instr{Op::SetupTry}, line);
  std::vector<ExprPtr> next_args;
  next_args.push_back(local_ref(it_slot, line));
  Instr next{Op::Await};
  next.e = own(helper_call("_anext", std::move(next_args), line));
  next.target = target(tgt);
  emit(next, line);
  emit(Instr{Op::PopBlock}, line);
  constructs_.push_back(Construct{Construct::Loop, top});
  compile_steps(*body);
  emit(Instr{Op::Jump, top}, line);
  Construct loop = std::move(constructs_.back());
  constructs_.pop_back();
  // StopAsyncIteration from __anext__ ends the loop; anything else propagates.
  current_->code[setup].a = here();
  auto stop = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
  stop->name = "StopAsyncIteration";
  stop->scope = Scope::Builtin;
  stop->slot = builtin_index("StopAsyncIteration");
  Instr match{Op::Match};
  match.e = own(std::move(stop));
  size_t jm = emit(match, line);
  emit(Instr{Op::PopExc}, line);
  emit(Instr{Op::Clear, it_slot}, line);
  size_t jend = emit(Instr{Op::Jump}, line);
  current_->code[jm].a = here();
  emit(Instr{Op::Reraise}, line);
  current_->code[jend].a = here();
  // A break lets go of the iterator: an async generator left suspended
  // is finalized (its aclose() scheduled on the loop) at once, as in CPython.
  for (size_t j : loop.break_jumps) current_->code[j].a = here();
  if (!loop.break_jumps.empty()) emit(Instr{Op::Clear, it_slot}, line);
}

void Compiler::compile_for(const YNode& step, const YNode& tgt, int line) {
  const YNode* in = step.get("in");
  const YNode* body = step.get("steps");
  if (!in) { error(step.pos, "a `for` step needs `in:`"); return; }
  if (!body) { error(step.pos, "a `for` step needs `steps:`"); return; }
  int iter_slot = hidden_slot("iter");
  Instr init{Op::ForInit, iter_slot};
  init.e = own(in->kind == YNode::Kind::Seq ? value_expr(*in) : expression(*in, "in"));
  emit(init, line);
  int top = here();
  Instr next{Op::ForNext, iter_slot};
  next.target = target(tgt);
  size_t jn = emit(next, line);
  constructs_.push_back(Construct{Construct::Loop, top});
  compile_steps(*body);
  emit(Instr{Op::Jump, top}, line);
  Construct loop = std::move(constructs_.back());
  constructs_.pop_back();
  // A break lets go of the iterator there, as CPython pops it: a
  // generator left suspended is closed (its finally runs) at once.
  for (size_t j : loop.break_jumps) current_->code[j].a = here();
  if (!loop.break_jumps.empty()) emit(Instr{Op::Clear, iter_slot}, line);
  current_->code[jn].b = here();
}

bool Compiler::inside_star_handler(SourcePos pos, const char* what) {
  for (auto& c : constructs_)
    if (c.kind == Construct::StarHandler) {
      error(pos, std::string("'") + what + "' cannot appear in an `except_star` handler",
            "Python: SyntaxError: 'break', 'continue' and 'return' cannot appear in an except* block");
      return true;
    }
  return false;
}

void Compiler::compile_break_continue(bool is_break, SourcePos pos) {
  if (inside_star_handler(pos, is_break ? "break" : "continue")) return;
  int loop_index = -1;
  for (int i = int(constructs_.size()) - 1; i >= 0; --i)
    if (constructs_[size_t(i)].kind == Construct::Loop) { loop_index = i; break; }
  if (loop_index < 0) {
    error(pos, std::string("'") + (is_break ? "break" : "continue") + "' outside a loop");
    return;
  }
  emit_unwind(size_t(loop_index) + 1, pos.line);
  if (is_break) {
    size_t j = emit(Instr{Op::Jump}, pos.line);
    constructs_[size_t(loop_index)].break_jumps.push_back(j);
  } else {
    emit(Instr{Op::Jump, constructs_[size_t(loop_index)].continue_pc}, pos.line);
  }
}

void Compiler::compile_return(const YNode* value, int line) {
  if (value) has_return_value_ = true;
  if (value && current_->is_async_gen)
    error(SourcePos{line, 0}, "an async generator cannot return a value", "Python: SyntaxError: 'return' with value in async generator");
  if (inside_star_handler(SourcePos{line, 0}, "return")) return;
  const Expr* v = nullptr;
  if (value) v = own(value_expr(*value));
  bool crosses_finally = false;
  for (auto& c : constructs_) if (c.kind != Construct::Loop) crosses_finally = true;
  if (!crosses_finally) {
    Instr r{Op::Return};
    r.e = v;
    emit(r, line);
    return;
  }
  // Python evaluates the value first, then runs the finally blocks.
  int slot = hidden_slot("retval");
  Instr save{Op::Assign};
  save.e = v ? v : own(std::make_unique<Expr>(ExprKind::Const, SourcePos{line, 0}));
  auto t = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
  t->scope = Scope::Local;
  t->slot = slot;
  save.target = own(std::move(t));
  emit(save, line);
  emit_unwind(0, line);
  auto r_e = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
  r_e->scope = Scope::Local;
  r_e->slot = slot;
  Instr r{Op::Return};
  r.e = own(std::move(r_e));
  emit(r, line);
}

void Compiler::emit_unwind(size_t depth, int line) {
  for (size_t i = constructs_.size(); i > depth; --i) {
    Construct& c = constructs_[i - 1];
    switch (c.kind) {
      case Construct::Loop: break;
      case Construct::TryExcept: emit(Instr{Op::PopBlock}, line); break;
      case Construct::Handler:
        emit(Instr{Op::PopExc}, line);
        if (c.as_slot >= 0) emit_clear(c.as_slot, c.as_name, line);
        break;
      case Construct::FinallyExc: emit(Instr{Op::PopExc}, line); break;
      case Construct::StarHandler: break;  // rejected before unwinding
      case Construct::With:
      case Construct::AsyncWith:
        emit(Instr{Op::PopBlock}, line);
        emit(with_exit(c.kind, c.mgr_slot, -1, line), line);
        break;
      case Construct::Finally: {
        emit(Instr{Op::PopBlock}, line);
        // The finally body runs in the context outside its try statement.
        std::vector<Construct> saved = constructs_;
        constructs_.resize(c.outer_depth);
        const YNode* steps = saved[i - 1].finally_steps;
        compile_steps(*steps);
        constructs_ = std::move(saved);
        break;
      }
    }
  }
}

int Compiler::handler_slot(const Expr* name) {
  bind_as_name_ = name;
  auto it = scope_->symbols.find(name->name);
  if (it != scope_->symbols.end() && it->second.bound) return it->second.slot;
  return 0;
}

void Compiler::emit_clear(int slot, const Expr* name, int line) {
  Instr clear{Op::Clear, slot};
  clear.target = name;
  emit(clear, line);
}

ExprPtr Compiler::local_ref(int slot, int line) {
  auto e = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
  e->scope = Scope::Local;
  e->slot = slot;
  return e;
}

ExprPtr Compiler::aexit_call(int mgr_slot, int exc_slot, int line) {
  SourcePos pos{line, 0};
  auto call = std::make_unique<Expr>(ExprKind::Call, pos);
  auto attr = std::make_unique<Expr>(ExprKind::Attr, pos);
  attr->name = "__aexit__";
  attr->kids.push_back(local_ref(mgr_slot, line));
  call->kids.push_back(std::move(attr));
  auto none = [&] { return std::make_unique<Expr>(ExprKind::Const, pos); };
  if (exc_slot < 0) {
    for (int i = 0; i < 3; ++i) call->kids.push_back(none());
  } else {
    auto type_call = std::make_unique<Expr>(ExprKind::Call, pos);
    auto type_name = std::make_unique<Expr>(ExprKind::Name, pos);
    type_name->name = "type";
    type_name->scope = Scope::Builtin;
    type_name->slot = builtin_index("type");
    type_call->kids.push_back(std::move(type_name));
    type_call->kids.push_back(local_ref(exc_slot, line));
    call->kids.push_back(std::move(type_call));
    call->kids.push_back(local_ref(exc_slot, line));
    call->kids.push_back(none());
  }
  return call;
}

ExprPtr Compiler::take_owned(const Expr* e) {
  // The expression was owned moments ago: search from the newest.
  for (auto it = current_->exprs.rbegin(); it != current_->exprs.rend(); ++it)
    if (auto& owned = *it; owned.get() == e) {
      ExprPtr out = std::move(owned);
      owned = std::make_unique<Expr>(ExprKind::Const, SourcePos{});
      return out;
    }
  return nullptr;
}

ExprPtr Compiler::method_call(ExprPtr obj, const char* method, std::vector<ExprPtr> args, std::vector<std::pair<std::string, ExprPtr>> kwargs, int line) {
  SourcePos pos{line, 0};
  auto call = std::make_unique<Expr>(ExprKind::Call, pos);
  auto attr = std::make_unique<Expr>(ExprKind::Attr, pos);
  attr->name = method;
  attr->kids.push_back(std::move(obj));
  call->kids.push_back(std::move(attr));
  for (auto& a : args) call->kids.push_back(std::move(a));
  for (auto& [k, v] : kwargs) {
    call->kwnames.push_back(k);
    call->kwargs.push_back(std::move(v));
  }
  return call;
}

ExprPtr Compiler::asyncio_call(const char* name, std::vector<ExprPtr> args, std::vector<std::pair<std::string, ExprPtr>> kwargs, int line) {
  auto mod = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
  mod->name = "asyncio";
  mod->scope = Scope::Builtin;
  mod->slot = builtin_index("asyncio");
  return method_call(std::move(mod), name, std::move(args), std::move(kwargs), line);
}

void Compiler::compile_async_with(const YNode& step, const YNode& mgr, int line) {
  compile_async_with_expr(step, expression(mgr, "async_with"), step.get("as"), line);
}

void Compiler::compile_async_with_expr(const YNode& step, ExprPtr mgr_expr, const YNode* as, int line) {
  const YNode* body = step.get("steps");
  if (!body) { error(step.pos, "this step needs `steps:`"); return; }
  int mgr_slot = hidden_slot("mgr");
  Instr save{Op::Assign};
  save.e = own(std::move(mgr_expr));
  save.target = own(local_ref(mgr_slot, line));
  if (!save.e) return;
  emit(save, line);
  Instr enter{Op::Await};
  auto call = std::make_unique<Expr>(ExprKind::Call, SourcePos{line, 0});
  auto attr = std::make_unique<Expr>(ExprKind::Attr, SourcePos{line, 0});
  attr->name = "__aenter__";
  attr->kids.push_back(local_ref(mgr_slot, line));
  call->kids.push_back(std::move(attr));
  enter.e = own(std::move(call));
  if (as) enter.target = target(*as);
  emit(enter, line);
  size_t setup = emit(Instr{Op::SetupTry}, line);
  compile_with_body(Construct::AsyncWith, mgr_slot, *body, setup, line);
}

Instr Compiler::with_exit(Construct::Kind kind, int slot, int exc_slot, int line) {
  const bool async = kind == Construct::AsyncWith;
  Instr exit{async ? Op::Await : Op::Eval};
  exit.e = own(async ? aexit_call(slot, exc_slot, line) : exit_call(slot, exc_slot, line));
  return exit;
}

void Compiler::compile_with_body(Construct::Kind kind, int slot, const YNode& body, size_t setup, int line) {
  Construct c{kind};
  c.mgr_slot = slot;
  constructs_.push_back(c);
  compile_steps(body);
  constructs_.pop_back();
  emit(Instr{Op::PopBlock}, line);
  emit(with_exit(kind, slot, -1, line), line);
  size_t jend = emit(Instr{Op::Jump}, line);
  current_->code[setup].a = here();
  int exc_slot = hidden_slot("exc");
  int ok_slot = hidden_slot("suppress");
  Instr bind{Op::Match};
  bind.target = own(local_ref(exc_slot, line));
  emit(bind, line);
  Instr exit_exc = with_exit(kind, slot, exc_slot, line);
  exit_exc.target = own(local_ref(ok_slot, line));
  emit(exit_exc, line);
  Instr test{Op::JumpIfFalse};
  test.e = own(local_ref(ok_slot, line));
  size_t jf = emit(test, line);
  emit(Instr{Op::PopExc}, line);
  emit(Instr{Op::Clear, exc_slot}, line);
  size_t jend2 = emit(Instr{Op::Jump}, line);
  current_->code[jf].a = here();
  emit(Instr{Op::Clear, exc_slot}, line);
  emit(Instr{Op::Reraise}, line);
  current_->code[jend].a = here();
  current_->code[jend2].a = here();
}

ExprPtr Compiler::exit_call(int exit_slot, int exc_slot, int line) {
  SourcePos pos{line, 0};
  auto call = std::make_unique<Expr>(ExprKind::Call, pos);
  call->kids.push_back(local_ref(exit_slot, line));
  if (exc_slot < 0) {
    for (int i = 0; i < 3; ++i) call->kids.push_back(std::make_unique<Expr>(ExprKind::Const, pos));
    return call;
  }
  std::vector<ExprPtr> type_args;
  type_args.push_back(local_ref(exc_slot, line));
  call->kids.push_back(helper_call("type", std::move(type_args), line));
  call->kids.push_back(local_ref(exc_slot, line));
  auto tb = std::make_unique<Expr>(ExprKind::Attr, pos);
  tb->name = "__traceback__";
  tb->kids.push_back(local_ref(exc_slot, line));
  call->kids.push_back(std::move(tb));
  return call;
}

void Compiler::compile_with(const YNode& step, const YNode& mgr, int line) {
  const YNode* body = step.get("steps");
  if (!body) { error(step.pos, "a `with` step needs `steps:`"); return; }
  ExprPtr mgr_expr = expression(mgr, "with");
  if (!mgr_expr) return;
  int mgr_slot = hidden_slot("mgr");
  int exit_slot = hidden_slot("exit");
  Instr save{Op::Assign};
  save.e = own(std::move(mgr_expr));
  save.target = own(local_ref(mgr_slot, line));
  emit(save, line);
  std::vector<ExprPtr> exit_args;
  exit_args.push_back(local_ref(mgr_slot, line));
  Instr find_exit{Op::Assign};
  find_exit.e = own(helper_call("_with_exit", std::move(exit_args), line));
  find_exit.target = own(local_ref(exit_slot, line));
  emit(find_exit, line);
  std::vector<ExprPtr> enter_args;
  enter_args.push_back(local_ref(mgr_slot, line));
  Instr enter{Op::Eval};
  enter.e = own(helper_call("_with_enter", std::move(enter_args), line));
  const YNode* as = step.get("as");
  int entered_slot = as ? hidden_slot("entered") : -1;
  if (as) enter.target = own(local_ref(entered_slot, line));
  emit(enter, line);
  size_t setup = emit(Instr{Op::SetupTry}, line);
  if (as) {  // the target is stored inside the block, as STORE after BEFORE_WITH
    Instr bind{Op::Assign};
    bind.e = own(local_ref(entered_slot, line));
    bind.target = target(*as);
    if (bind.target) emit(bind, line);
  }
  compile_with_body(Construct::With, exit_slot, *body, setup, line);
}

void Compiler::compile_try(const YNode& step, int line) {
  const YNode* body = step.get("try");
  const YNode* handlers = step.get("except");
  const YNode* star_handlers = step.get("except_star");
  const YNode* orelse = step.get("else");
  const YNode* fin = step.get("finally");
  if (handlers && star_handlers) {
    error(star_handlers->pos, "a `try` step has `except` or `except_star`, not both",
          "Python: SyntaxError: cannot have both 'except' and 'except*' on the same 'try'");
    return;
  }
  bool star = star_handlers != nullptr;
  if (star) handlers = star_handlers;
  if (!handlers && !fin) { error(step.pos, "a `try` step needs `except:`, `except_star:` or `finally:`"); return; }
  if (orelse && !handlers) { error(step.pos, "`else:` in a `try` step needs `except:`"); return; }
  size_t setup_fin = 0;
  size_t outer_depth = constructs_.size();
  if (fin) {
    setup_fin = emit(Instr{Op::SetupTry}, line);
    Construct c{Construct::Finally};
    c.finally_steps = fin;
    c.outer_depth = outer_depth;
    constructs_.push_back(c);
  }
  std::vector<size_t> to_after;
  if (handlers) {
    size_t setup_exc = emit(Instr{Op::SetupTry}, line);
    constructs_.push_back(Construct{Construct::TryExcept});
    compile_steps(*body);
    constructs_.pop_back();
    emit(Instr{Op::PopBlock}, line);
    if (orelse) compile_steps(*orelse);
    to_after.push_back(emit(Instr{Op::Jump}, line));
    current_->code[setup_exc].a = here();
    if (star) compile_star_handlers(*handlers, to_after, line);
    else compile_handlers(*handlers, to_after, line);
  } else {
    compile_steps(*body);
  }
  for (size_t j : to_after) current_->code[j].a = here();
  if (fin) {
    constructs_.pop_back();
    emit(Instr{Op::PopBlock}, line);
    compile_steps(*fin);
    size_t jend = emit(Instr{Op::Jump}, line);
    current_->code[setup_fin].a = here();
    constructs_.push_back(Construct{Construct::FinallyExc});
    compile_steps(*fin);
    constructs_.pop_back();
    emit(Instr{Op::Reraise}, line);
    current_->code[jend].a = here();
  }
}

ExprPtr Compiler::none_test(int slot, CmpOp op, int line) {
  auto cmp = std::make_unique<Expr>(ExprKind::Compare, SourcePos{line, 0});
  cmp->kids.push_back(local_ref(slot, line));
  cmp->kids.push_back(std::make_unique<Expr>(ExprKind::Const, SourcePos{line, 0}));
  cmp->cmpops.push_back(op);
  return cmp;
}

ExprPtr Compiler::helper_call(const char* name, std::vector<ExprPtr> args, int line) {
  auto call = std::make_unique<Expr>(ExprKind::Call, SourcePos{line, 0});
  auto fn = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
  fn->name = name;
  fn->scope = Scope::Builtin;
  fn->slot = builtin_index(name);
  call->kids.push_back(std::move(fn));
  for (auto& a : args) call->kids.push_back(std::move(a));
  return call;
}

void Compiler::compile_star_handlers(const YNode& handlers, std::vector<size_t>& to_after, int line) {
  if (handlers.kind != YNode::Kind::Seq) { error(handlers.pos, "`except_star` is a list of handlers: [{type: ValueError, as: eg, steps: [...]}]"); return; }
  int exc_slot = hidden_slot("exc");
  int rest_slot = hidden_slot("rest");
  int match_slot = hidden_slot("match");
  int raised_slot = hidden_slot("raised");
  int one_slot = hidden_slot("raised_one");
  Instr bind{Op::Match};
  bind.target = own(local_ref(exc_slot, line));
  emit(bind, line);
  Instr init{Op::Assign};
  init.e = own(local_ref(exc_slot, line));
  init.target = own(local_ref(rest_slot, line));
  emit(init, line);
  Instr no_raised{Op::Assign};
  no_raised.e = own(std::make_unique<Expr>(ExprKind::List, SourcePos{line, 0}));
  no_raised.target = own(local_ref(raised_slot, line));
  emit(no_raised, line);
  auto append_to_raised = [&](int slot, int at) {
    std::vector<ExprPtr> args;
    args.push_back(local_ref(slot, at));
    Instr app{Op::Eval};
    app.e = own(method_call(local_ref(raised_slot, at), "append", std::move(args), {}, at));
    emit(app, at);
  };
  for (auto& h : handlers.items) {
    if (h.kind != YNode::Kind::Map) { error(h.pos, "a handler is a mapping: {type: ValueError, as: eg, steps: [...]}"); continue; }
    for (auto& [k, v] : h.pairs)
      if (std::find(handler_keys().begin(), handler_keys().end(), k.value) == handler_keys().end())
        error(k.pos, "unknown key '" + k.value + "' in an `except_star` handler" + did_you_mean(k.value, handler_keys()));
    const YNode* type = h.get("type");
    if (!type) { error(h.pos, "an `except_star` handler needs `type`", "Python: SyntaxError: expected one or more exception types"); continue; }
    ExprPtr types = handler_types(*type);
    if (!types) continue;
    int hl = h.pos.line;
    // match, rest = _eg_split(rest, TYPES)   (skipped once rest is None)
    Instr have_rest{Op::JumpIfFalse};
    have_rest.e = own(none_test(rest_slot, CmpOp::IsNot, hl));
    size_t j_skip_all = emit(have_rest, hl);
    std::vector<ExprPtr> args;
    args.push_back(local_ref(rest_slot, hl));
    args.push_back(std::move(types));
    Instr split{Op::Assign};
    split.e = own(helper_call("_eg_split", std::move(args), hl));
    auto pair = std::make_unique<Expr>(ExprKind::Tuple, SourcePos{hl, 0});
    pair->kids.push_back(local_ref(match_slot, hl));
    pair->kids.push_back(local_ref(rest_slot, hl));
    split.target = own(std::move(pair));
    emit(split, hl);
    Instr matched{Op::JumpIfFalse};
    matched.e = own(none_test(match_slot, CmpOp::IsNot, hl));
    size_t j_next = emit(matched, hl);
    int as_slot = -1;
    if (const YNode* as = h.get("as")) {
      Instr bind_as{Op::Assign};
      bind_as.e = own(local_ref(match_slot, hl));
      bind_as.target = target(*as);
      if (bind_as.target && bind_as.target->kind == ExprKind::Name) as_slot = handler_slot(bind_as.target);
      if (bind_as.target) emit(bind_as, hl);
    }
    // The body handles the match; what it raises is kept for the end.
    Instr handle{Op::PushExc};
    handle.e = own(local_ref(match_slot, hl));
    emit(handle, hl);
    size_t setup = emit(Instr{Op::SetupTry}, hl);
    Construct c{Construct::StarHandler};
    c.as_slot = as_slot;
    c.as_name = as_slot >= 0 ? bind_as_name_ : nullptr;
    constructs_.push_back(c);
    if (const YNode* steps = h.get("steps")) compile_steps(*steps);
    constructs_.pop_back();
    emit(Instr{Op::PopBlock}, line);
    emit(Instr{Op::PopExc}, line);
    size_t j_done = emit(Instr{Op::Jump}, line);
    current_->code[setup].a = here();
    Instr caught{Op::Match};
    caught.target = own(local_ref(one_slot, line));
    emit(caught, line);
    append_to_raised(one_slot, line);
    emit(Instr{Op::PopExc}, line);
    emit(Instr{Op::PopExc}, line);
    emit(Instr{Op::Clear, one_slot}, line);
    current_->code[j_done].a = here();
    if (as_slot >= 0) emit_clear(as_slot, c.as_name, line);
    current_->code[j_next].a = here();
    current_->code[j_skip_all].a = here();
  }
  // raise _prep_reraise_star(exc, raised + [rest]), if not None, without a
  // new traceback entry (CPython's RERAISE).
  append_to_raised(rest_slot, line);
  std::vector<ExprPtr> prep_args;
  prep_args.push_back(local_ref(exc_slot, line));
  prep_args.push_back(local_ref(raised_slot, line));
  Instr prep{Op::Assign};
  prep.e = own(helper_call("_prep_reraise_star", std::move(prep_args), line));
  prep.target = own(local_ref(rest_slot, line));
  emit(prep, line);
  emit(Instr{Op::Clear, raised_slot}, line);
  Instr any_left{Op::JumpIfFalse};
  any_left.e = own(none_test(rest_slot, CmpOp::IsNot, line));
  size_t j_done = emit(any_left, line);
  emit(Instr{Op::PopExc}, line);
  Instr reraise{Op::PushExc};
  reraise.e = own(local_ref(rest_slot, line));
  emit(reraise, line);
  emit(Instr{Op::Clear, exc_slot}, line);
  emit(Instr{Op::Clear, rest_slot}, line);
  emit(Instr{Op::Reraise}, line);
  current_->code[j_done].a = here();
  emit(Instr{Op::PopExc}, line);
  emit(Instr{Op::Clear, exc_slot}, line);
  to_after.push_back(emit(Instr{Op::Jump}, line));
}

void Compiler::compile_handlers(const YNode& handlers, std::vector<size_t>& to_after, int line) {
  std::vector<const YNode*> list;
  if (handlers.kind == YNode::Kind::Seq) for (auto& h : handlers.items) list.push_back(&h);
  else if (handlers.kind == YNode::Kind::Map) list.push_back(&handlers);
  else { error(handlers.pos, "`except` is a list of handlers: [{type: ValueError, as: e, steps: [...]}]"); return; }
  for (size_t i = 0; i < list.size(); ++i) {
    const YNode& h = *list[i];
    if (h.kind != YNode::Kind::Map) { error(h.pos, "a handler is a mapping: {type: ValueError, as: e, steps: [...]}"); continue; }
    for (auto& [k, v] : h.pairs)
      if (std::find(handler_keys().begin(), handler_keys().end(), k.value) == handler_keys().end())
        error(k.pos, "unknown key '" + k.value + "' in an `except` handler" + did_you_mean(k.value, handler_keys()));
    const YNode* type = h.get("type");
    const YNode* as = h.get("as");
    const YNode* steps = h.get("steps");
    if (!type && i + 1 < list.size()) error(h.pos, "a bare `except` (no `type`) must be the last handler");
    Instr match{Op::Match};
    if (type) {
      match.e = own(handler_types(*type));
    }
    int as_slot = -1;
    if (as) {
      match.target = target(*as);
      if (match.target && match.target->kind == ExprKind::Name) as_slot = handler_slot(match.target);
    }
    size_t jm = emit(match, h.pos.line);
    Construct c{Construct::Handler};
    c.as_slot = as_slot;
    c.as_name = as_slot >= 0 ? bind_as_name_ : nullptr;
    constructs_.push_back(c);
    if (steps) compile_steps(*steps);
    constructs_.pop_back();
    emit(Instr{Op::PopExc}, line);
    if (as_slot >= 0) emit_clear(as_slot, c.as_name, line);
    to_after.push_back(emit(Instr{Op::Jump}, line));
    current_->code[jm].a = here();
  }
  emit(Instr{Op::Reraise}, line);  // no handler matched
}

ExprPtr Compiler::handler_types(const YNode& type) {
  if (type.kind != YNode::Kind::Seq) return exception_type_expr(type);
  auto tup = std::make_unique<Expr>(ExprKind::Tuple, type.pos);
  for (auto& t : type.items) if (auto e = exception_type_expr(t)) tup->kids.push_back(std::move(e));
  return tup;
}

ExprPtr Compiler::exception_type_expr(const YNode& t) {
  if (!t.is_scalar()) { error(t.pos, "an exception type is a name such as ValueError"); return nullptr; }
  ExprPtr e = parse_guarded([&] { return parse_expression(t.value, content_pos(t)); }, t.pos, t.value, false);
  if (e) exception_types_.insert(e.get());
  return e;
}

}  // namespace corun
