// Compiler (compiler.h): name resolution. Once a top-level definition is
// compiled, every name in it is bound, as CPython's symtable.c does: to a
// frame slot, a cell or a free variable (scopes: symtable.h), a program
// global or a builtin; super() gets its __class__, lambdas and
// comprehensions their own scopes. An unknown name is an error here, with
// the names that are visible as suggestions.
#include "engine/compile/compiler.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "engine/compile/code.h"
#include "engine/compile/lower_await.h"
#include "engine/compile/prelude.h"
#include "engine/compile/symtable.h"
#include "engine/compile/unsupported.h"
#include "engine/load/yaml_doc.h"
#include "engine/python/builtins.h"
#include "engine/python/classes.h"

namespace corun {

void Compiler::resolve_root(Expr& e) {
  check_awaits(e);
  SymScope* module = symtable_.new_root(SymScope::Kind::Function, current_);
  module->is_module = true;
  collect_root(e, module);
  finish_resolution(module);
}

void Compiler::collect_root(Expr& e, SymScope* s) {
  if (e.scope != Scope::Unresolved && e.kind == ExprKind::Name) return;
  collect_root_ = &e;
  collect(e, s);
}

std::vector<std::string> Compiler::visible_names(SymScope* s) {
  std::vector<std::string> names;
  for (SymScope* p = s; p; p = p->parent)
    for (auto& [k, v] : p->symbols) if (v.bound || v.free) names.push_back(k);
  for (auto& g : prog_.globals) if (prelude_ || !g.hidden) names.push_back(g.name);
  for (auto& b : user_builtin_names()) names.push_back(b);
  return names;
}

std::vector<std::string> Compiler::user_builtin_names() const {
  std::vector<std::string> names;
  for (auto& b : builtin_names()) if (prelude_ || b[0] != '_') names.push_back(b);
  return names;
}

bool Compiler::is_super_call(const Expr& e) {
  return e.kind == ExprKind::Call && !e.kids.empty() && e.kids[0]->kind == ExprKind::Name &&
         e.kids[0]->name == "super" && e.kids[0]->scope == Scope::Unresolved && e.kwargs.empty() &&
         (e.kids.size() == 1 || e.kids.size() == 3);
}

void Compiler::rewrite_super(Expr& attr) {
  Expr& call = *attr.kids[0];
  SourcePos pos = call.pos;
  std::vector<ExprPtr> args;
  auto none = [&] { return std::make_unique<Expr>(ExprKind::Const, pos); };
  if (call.kids.size() == 3) {
    args.push_back(std::move(call.kids[1]));
    args.push_back(std::move(call.kids[2]));
  } else if (current_class_ >= 0 && current_ != module_) {
    auto cls = std::make_unique<Expr>(ExprKind::Name, pos);
    cls->name = prog_.globals[size_t(current_class_)].name;
    cls->scope = Scope::Global;
    cls->slot = current_class_;
    args.push_back(std::move(cls));
    args.push_back(local_ref(0, pos.line));
  } else {
    // No __class__ cell: RuntimeError at run time, as in Python.
    args.push_back(none());
    if (current_ != module_ && !current_->params.empty()) {
      auto one = none();
      one->value = Value::integer(1);
      args.push_back(std::move(one));
    } else {
      args.push_back(none());
    }
  }
  auto name = none();
  name->value = make_str(attr.name);
  args.push_back(std::move(name));
  auto fn = std::make_unique<Expr>(ExprKind::Name, pos);
  fn->name = "_super_attr";
  fn->scope = Scope::Builtin;
  fn->slot = builtin_index("_super_attr");
  attr.kind = ExprKind::Call;
  attr.name.clear();
  attr.kids.clear();
  attr.kids.push_back(std::move(fn));
  for (auto& a : args) attr.kids.push_back(std::move(a));
}

void Compiler::rewrite_supers(Expr& e) {
  if (e.kind == ExprKind::Attr && e.kids.size() == 1 && is_super_call(*e.kids[0])) rewrite_super(e);
  for (auto& k : e.kids) if (k) rewrite_supers(*k);
  for (auto& k : e.kwargs) if (k) rewrite_supers(*k);
  for (auto& p : e.parts) {
    if (p.expr) rewrite_supers(*p.expr);
    if (p.format_spec) rewrite_supers(*p.format_spec);
  }
  for (auto& c : e.clauses) {
    rewrite_supers(*c.iter);
    for (auto& cond : c.conds) rewrite_supers(*cond);
  }
}

void Compiler::collect(Expr& e, SymScope* s) {
  switch (e.kind) {
    case ExprKind::Name:
      if (e.scope == Scope::Unresolved) symtable_.use(s, &e, collect_root_);
      return;
    case ExprKind::Comp:
      collect_comprehension(e, s);
      return;
    case ExprKind::Lambda:
      for (auto& d : e.kwargs) if (d) collect(*d, s);  // defaults: evaluated where the function is made
      if (!e.code) compile_lambda(e, s);
      return;
    case ExprKind::Attr:
      for (auto& k : e.kids) if (k) collect(*k, s);
      module_attrs_.push_back(&e);  // checked once names are resolved
      return;
    case ExprKind::FString:
      for (auto& p : e.parts) {
        if (p.expr) collect(*p.expr, s);
        if (p.format_spec) collect(*p.format_spec, s);
      }
      return;
    case ExprKind::NamedExpr: {
      collect(*e.kids[1], s);
      Expr& t = *e.kids[0];
      if (t.scope != Scope::Unresolved) return;  // a hidden slot of a lowered comparison chain
      // It binds in the enclosing function, even inside a comprehension or
      // a generator expression (PEP 572).
      SymScope* target = s;
      while (target->parent && (target->kind == SymScope::Kind::Comprehension || target->kind == SymScope::Kind::GenExpr))
        target = target->parent;
      if (target->is_module) {
        if (!module_scope_) {
          error(t.pos, "corun does not support ':=' outside a coroutine or function yet",
                "assign the value in a step of the coroutine that uses it");
          return;
        }
        declare_module_global(t.name, t.pos);
      } else {
        symtable_.bind(target, t.name, t.pos);
      }
      symtable_.use(s, &t, collect_root_);
      return;
    }
    default:
      for (auto& k : e.kids) if (k) collect(*k, s);
      for (auto& k : e.kwargs) if (k) collect(*k, s);
      return;
  }
}

void Compiler::check_module_attr(const Expr& e) {
  if (prelude_ || errors_full() || e.kids.empty() || !e.kids[0]) return;
  const Expr& base = *e.kids[0];
  if (base.kind != ExprKind::Name || base.scope != Scope::Builtin || !is_builtin_module(base.name)) return;
  if (auto u = missing_module_attr(base.name, e.name)) error(e.pos, u->message, u->hint);
}

std::string Compiler::qualname_prefix(SymScope* s) {
  if (!s || s->is_module) return "";
  if (!s->is_frame()) {
    const char* kind = s->comp->comp_type == Expr::CompType::Dict  ? "<dictcomp>."
                       : s->comp->comp_type == Expr::CompType::Set ? "<setcomp>."
                                                                  : "<listcomp>.";
    return qualname_prefix(s->parent) + kind;
  }
  if (s->kind == SymScope::Kind::GenExpr) return s->code->qualname + ".";
  return s->code->qualname + ".<locals>.";
}

void Compiler::collect_comprehension(Expr& e, SymScope* s) {
  if (e.clauses.empty()) return;
  SymScope* inner;
  if (e.comp_type == Expr::CompType::Gen) {
    CodeObject* gen = new_code("<genexpr>", false, e.pos);
    gen->qualname = qualname_prefix(s) + "<genexpr>";
    gen->def_line = e.pos.line;
    inner = s->add_child(SymScope::Kind::GenExpr, gen);
    e.code = gen;
  } else {
    inner = s->add_child(SymScope::Kind::Comprehension, s->code);
    inner->comp = &e;
  }
  for (size_t i = 0; i < e.clauses.size(); ++i) {
    CompClause& c = e.clauses[i];
    collect(*c.iter, i == 0 ? s : inner);
    bind_comp_target(*c.target, inner);
    for (auto& cond : c.conds) collect(*cond, inner);
  }
  for (auto& k : e.kids) collect(*k, inner);
}

void Compiler::bind_comp_target(Expr& t, SymScope* inner) {
  if (t.kind == ExprKind::Name) {
    symtable_.bind_comp(inner, t.name);
    symtable_.use(inner, &t, collect_root_);
    return;
  }
  if (t.kind == ExprKind::Tuple || t.kind == ExprKind::List || t.kind == ExprKind::Starred) {
    for (auto& k : t.kids) bind_comp_target(*k, inner);
    return;
  }
  collect(t, inner);
}

void Compiler::compile_lambda(Expr& e, SymScope* s) {
  CodeObject* code = new_code("<lambda>", false, e.pos);
  code->qualname = qualname_prefix(s) + "<lambda>";
  SymScope* inner = s->add_child(SymScope::Kind::Lambda, code);
  for (size_t i = 0; i < e.kwnames.size(); ++i) {
    const std::string& p = e.kwnames[i];
    if (p.size() > 1 && p[0] == '*' && p[1] == '*') {
      code->varkw_slot = symtable_.bind_param(inner, p.substr(2));
      continue;
    }
    if (p[0] == '*') {
      code->varargs_slot = symtable_.bind_param(inner, p.substr(1));
      continue;
    }
    symtable_.bind_param(inner, p);
    code->params.push_back(p);
    code->param_defaults.push_back(e.kwargs[i].get());
  }
  // kwargs become parallel to the code's params (the *args one dropped).
  std::vector<ExprPtr> defaults;
  for (size_t i = 0; i < e.kwnames.size(); ++i)
    if (e.kwnames[i][0] != '*') defaults.push_back(std::move(e.kwargs[i]));
  e.kwargs = std::move(defaults);
  Instr ret{Op::Return};
  ret.e = e.kids[0].get();
  ret.line = e.kids[0]->pos.line;
  code->code.push_back(ret);
  collect(*e.kids[0], inner);
  e.code = code;
}

void Compiler::resolve_name(Expr& e, SymScope* s, const Expr* root) {
  SymTable::Answer a = symtable_.lookup(s, e.name);
  switch (a.kind) {
    case SymKind::Local: e.scope = Scope::Local; e.slot = a.slot; return;
    case SymKind::Cell: e.scope = Scope::Cell; e.slot = a.slot; return;
    case SymKind::Free: e.scope = Scope::Free; e.slot = a.slot; return;
    case SymKind::GlobalImplicit:
    case SymKind::GlobalExplicit: break;
  }
  int g = global_index(e.name);
  if (g >= 0) { e.scope = Scope::Global; e.slot = g; return; }
  int b = visible_builtin(e.name);
  if (b >= 0) { e.scope = Scope::Builtin; e.slot = b; return; }
  if (errors_full()) return;
  auto declared = s->frame()->symbols.find(e.name);
  if (declared != s->frame()->symbols.end() && declared->second.nonlocal) return;  // its declaration was the error
  if (e.name != "super")  // its own hint below says how corun spells it
    if (auto u = unsupported_name(e.name)) { error(e.pos, u->message, u->hint); return; }
  std::string hint;
  if (e.name == "null" || e.name == "none" || e.name == "true" || e.name == "false")
    hint = "inside an expression write Python's None, True, False";
  else if (e.name == "super")
    hint = "corun supports super() as `super().method(...)` (or `super(Class, obj).method(...)`) in a class's methods";
  else if (exception_types_.count(root))
    hint = "exception classes are Python's builtins or defined under `exceptions:`";
  else if (s->frame()->is_module)
    hint = "only definitions (coroutines, functions, exceptions, classes) and builtins are visible here";
  else if (root == &e)
    hint = "a plain YAML scalar is a Python expression; to write the string, quote it: \"" + e.name + "\"";
  error(e.pos, "undefined name '" + e.name + "'" + did_you_mean(e.name, visible_names(s)), hint);
}

}  // namespace corun
