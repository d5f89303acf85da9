// Compiler (compiler.h): the step language. Every verb is one row of
// verb_rules() (name, modifiers, awaits, function-only, handler), as
// clox's rules[]; compile_step finds the row, checks the step's keys and
// where it stands, and calls the handler. Blocks (if, while, try, with
// ...) are compiled in compile_blocks.cpp.
#include "engine/compile/compiler.h"

#include <algorithm>
#include <cstring>
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

const std::vector<std::string>& bare_word_steps() {
  static const std::vector<std::string> words = {"pass", "break", "continue", "raise", "return", "yield"};
  return words;
}

const std::vector<std::string>& handler_keys() {
  static const std::vector<std::string> keys = {"type", "as", "steps"};
  return keys;
}

// The verb table as the rest of corun sees it (language_tables.h).
const std::vector<VerbInfo>& step_verbs() {
  static const std::vector<VerbInfo> verbs = [] {
    std::vector<VerbInfo> v;
    for (const Compiler::VerbRule& r : Compiler::verb_rules()) v.push_back({r.name, r.modifiers, r.awaits, r.in_function_only});
    return v;
  }();
  return verbs;
}

const Compiler::VerbRule* Compiler::find_verb(std::string_view name) {
  for (const VerbRule& r : verb_rules()) if (name == r.name) return &r;
  return nullptr;
}

const std::vector<std::string>& Compiler::verb_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const VerbRule& r : verb_rules()) v.push_back(r.name);
    return v;
  }();
  return names;
}

void Compiler::compile_steps(const YNode& steps) {
  if (steps.kind == YNode::Kind::Null) return;
  if (steps.kind != YNode::Kind::Seq) {
    error(steps.pos, "expected a list of steps (each item starts with '- '), found " + std::string(steps.kind_name()));
    return;
  }
  for (auto& s : steps.items) compile_step(s);
}

void Compiler::compile_step(const YNode& step) {
  if (step.is_scalar()) { compile_bare_word(step); return; }
  if (step.kind != YNode::Kind::Map || step.pairs.empty()) {
    error(step.pos, "a step is a mapping with one verb such as `print:` or `sleep:`, found " + std::string(step.kind_name()));
    return;
  }
  const YPair* verb_key = nullptr;
  const VerbRule* rule = step_verb(step, verb_key);
  if (!rule || !modifiers_fit(step, *rule) || !verb_allowed_here(step, *rule, verb_key->first.pos)) return;
  (this->*rule->compile)(Step{step, verb_key->second, step.get("as"), verb_key->first.value, verb_key->first.pos, step.pos.line});
}

void Compiler::compile_bare_word(const YNode& step) {
  int line = step.pos.line;
  const std::string& w = step.value;
  if (w == "pass") return;
  if (w == "break" || w == "continue") { compile_break_continue(w == "break", step.pos); return; }
  if (w == "raise") { emit(Instr{Op::Reraise}, line); return; }
  if (module_scope_ && (w == "return" || w == "yield")) {
    error(step.pos, "`" + w + "` in `script:`: the module body is not a function",
          "Python: SyntaxError: '" + w + "' outside function");
    return;
  }
  if (w == "return") { compile_return(nullptr, line); return; }
  if (w == "yield") {  // as `- yield:` with no value
    YNode map;
    map.kind = YNode::Kind::Map;
    map.pos = step.pos;
    YNode key;
    key.kind = YNode::Kind::Scalar;
    key.value = "yield";
    key.tag = "?";
    key.pos = step.pos;
    YNode none;
    none.pos = step.pos;
    map.pairs.emplace_back(std::move(key), std::move(none));
    compile_step(map);
    return;
  }
  std::vector<std::string> cands = bare_word_steps();
  cands.insert(cands.end(), verb_names().begin(), verb_names().end());
  std::string dym = did_you_mean(w, cands);
  error(step.pos, "'" + w + "' is not a step" + dym,
        find_verb(w) ? "write it as a mapping: - " + w + ": ..."
                     : "a step is a mapping such as `- print: \"...\"`; the bare words are pass, break, continue, raise, return, yield");
}

const Compiler::VerbRule* Compiler::step_verb(const YNode& step, const YPair*& verb_key) {
  std::vector<std::pair<const YPair*, const VerbRule*>> verbs;
  for (auto& kv : step.pairs)
    if (const VerbRule* r = find_verb(kv.first.value)) verbs.emplace_back(&kv, r);
  for (auto& [kv, rule] : verbs) {
    bool others_fit = true;
    for (auto& [other, other_rule] : verbs)
      if (other != kv && std::find(rule->modifiers.begin(), rule->modifiers.end(), other->first.value) == rule->modifiers.end())
        others_fit = false;
    if (others_fit) { verb_key = kv; return rule; }
  }
  if (verbs.size() > 1) {
    error(step.pairs[0].first.pos, "a step has one verb, found both '" + verbs[0].first->first.value + "' and '" +
                                       verbs[1].first->first.value + "'", "split it into two steps");
    return nullptr;
  }
  const YNode& k = step.pairs[0].first;
  error(k.pos, "unknown step '" + k.value + "'" + did_you_mean(k.value, verb_names()));
  return nullptr;
}

bool Compiler::modifiers_fit(const YNode& step, const VerbRule& rule) {
  const std::vector<std::string>& allowed = rule.modifiers;
  for (auto& [k, v] : step.pairs) {
    if (k.value == rule.name) continue;
    if (std::find(allowed.begin(), allowed.end(), k.value) == allowed.end()) {
      const char* article = std::strchr("aeiou", rule.name[0]) ? "an" : "a";  // an `if` step, a `for` step
      std::string msg = "unknown key '" + k.value + "' in " + article + " `" + rule.name + "` step";
      std::string dym = did_you_mean(k.value, allowed);
      error(k.pos, msg + (dym.empty() ? (allowed.empty() ? "; it takes no other keys" : "; it takes " + join(allowed)) : dym));
      return false;
    }
  }
  return true;
}

bool Compiler::verb_allowed_here(const YNode& step, const VerbRule& rule, SourcePos verb_pos) {
  const std::string verb = rule.name;
  if (!current_is_coroutine_ && rule.awaits) {
    if (auto* as_node = step.get("as")) target(*as_node);  // declare it anyway: no follow-on errors
  }
  if (module_scope_ && (rule.awaits || rule.in_function_only)) {
    std::string what = rule.in_function_only ? verb : "await";
    error(verb_pos, "`" + verb + "` in `script:`: the module body is not a function",
          "Python: SyntaxError: '" + what + "' outside function; put the steps in a coroutine and run it with "
          "`- call: asyncio.run(main())`");
    return false;
  }
  if (!current_is_coroutine_ && rule.awaits) {
    error(verb_pos, "`" + verb + "` awaits, and a plain function cannot await",
          scope_ && scope_->parent
              ? "Python: SyntaxError: 'await' outside async function; make it a coroutine: `- async_def: NAME`"
              : "Python: SyntaxError: 'await' outside async function; make it a coroutine under `coroutines:`");
    return false;
  }
  return true;
}

void Compiler::step_print(const Step& s) {
  Instr ins{Op::Print};
  ins.e = own(print_template(s.arg));
  if (ins.e) emit(ins, s.line);
}

void Compiler::step_sleep_or_block(const Step& s, Op op) {
  Instr ins{op};
  ins.e = own(expression(s.arg, s.verb.c_str()));
  // sleep: 0 (the yield of the yield storm) needs no evaluation.
  if (ins.e && ins.op == Op::Sleep && ins.e->kind == ExprKind::Const &&
      ((ins.e->value.is_int() && ins.e->value.as_int() == 0) || (ins.e->value.is_float() && ins.e->value.as_float() == 0.0)))
    ins.a = 1;
  if (ins.e) emit(ins, s.line);
}

void Compiler::step_expression(const Step& s, Op op) {
  Instr ins{op};
  ins.e = own(expression(s.arg, s.verb.c_str()));
  if (s.as) ins.target = target(*s.as);
  if (ins.e) emit(ins, s.line);
}

void Compiler::step_set(const Step& s) {
  if (s.arg.kind != YNode::Kind::Map || s.arg.pairs.empty()) {
    error(s.arg.pos, "`set` takes a mapping of name to value: set: {count: 0}");
    return;
  }
  for (auto& [k, v] : s.arg.pairs) {
    Instr ins{Op::Assign};
    ins.e = own(value_expr(v));
    ins.target = target(k);
    if (ins.e && ins.target) emit(ins, k.pos.line);
  }
}

void Compiler::step_task(const Step& s) {
  Instr ins{Op::CreateTask};
  ins.e = own(expression(s.arg, "task"));
  if (auto* n = s.node.get("name")) ins.e2 = own(value_expr(*n));
  if (s.as) ins.target = target(*s.as);
  if (auto* g = s.node.get("group")) {
    // GROUP.create_task(EXPR, name=...)
    ExprPtr group = expression(*g, "group");
    if (!group || !ins.e) return;
    std::vector<ExprPtr> args;
    args.push_back(take_owned(ins.e));
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    if (ins.e2) kwargs.emplace_back("name", take_owned(ins.e2));
    Instr call{Op::Eval};
    call.e = own(method_call(std::move(group), "create_task", std::move(args), std::move(kwargs), s.line));
    call.target = ins.target;
    emit(call, s.line);
    return;
  }
  if (ins.e) emit(ins, s.line);
}

void Compiler::step_gather(const Step& s) {
  Instr ins{Op::Gather};
  if (s.arg.kind == YNode::Kind::Seq) {
    ins.e = own(value_expr(s.arg));
  } else {
    ins.e = own(expression(s.arg, "gather"));
    ins.a = 1;
  }
  if (auto* r = s.node.get("return_exceptions")) ins.e2 = own(value_expr(*r));
  if (s.as) ins.target = target(*s.as);
  if (ins.e) emit(ins, s.line);
}

void Compiler::step_cancel(const Step& s) {
  Instr ins{Op::Cancel};
  ins.e = own(expression(s.arg, "cancel"));
  if (auto* m = s.node.get("msg")) ins.e2 = own(value_expr(*m));
  if (s.as) ins.target = target(*s.as);
  if (ins.e) emit(ins, s.line);
}

void Compiler::step_raise(const Step& s) {
  if (s.arg.kind == YNode::Kind::Null) { emit(Instr{Op::Reraise}, s.line); return; }
  Instr ins{Op::Raise};
  ins.e = own(expression(s.arg, "raise"));
  if (auto* f = s.node.get("from")) ins.e2 = own(value_expr(*f));
  if (ins.e) emit(ins, s.line);
}

// assert TEST[, MSG]: `if not TEST: raise AssertionError(MSG)`, MSG
// evaluated only when the test fails (corun has no -O: asserts always run).
void Compiler::step_assert(const Step& s) {
  Instr test{Op::JumpIfFalse};
  test.e = own(expression(s.arg, "assert"));
  const YNode* msg = s.node.get("msg");
  ExprPtr message = msg ? value_expr(*msg) : nullptr;
  if (!test.e || (msg && !message)) return;
  size_t fails = emit(test, s.line);
  size_t passes = emit(Instr{Op::Jump}, s.line);
  current_->code[fails].a = here();
  auto cls = std::make_unique<Expr>(ExprKind::Name, SourcePos{s.line, 0});
  cls->name = "AssertionError";
  cls->scope = Scope::Builtin;
  cls->slot = builtin_index("AssertionError");
  Instr raise{Op::Raise};
  if (message) {
    auto call = std::make_unique<Expr>(ExprKind::Call, SourcePos{s.line, 0});
    call->kids.push_back(std::move(cls));
    call->kids.push_back(std::move(message));
    raise.e = own(std::move(call));
  } else {
    raise.e = own(std::move(cls));
  }
  emit(raise, s.line);
  current_->code[passes].a = here();
}

// del TARGET, ...: each target in turn, left to right, as Python deletes them.
void Compiler::step_del(const Step& s) {
  auto one = [&](const YNode& t) {
    if (!t.is_scalar()) { error(t.pos, "a `del` target is a name, `x[i]`, `x[a:b]` or `x.attr`: del: [a, d[k]]"); return; }
    Instr ins{Op::Delete};
    ins.target = target(t);
    if (!ins.target) return;
    ExprKind k = ins.target->kind;
    if (k != ExprKind::Name && k != ExprKind::Subscript && k != ExprKind::Attr) {
      error(t.pos, "cannot delete this expression: a `del` target is a name, `x[i]`, `x[a:b]` or `x.attr`");
      return;
    }
    emit(ins, s.line);
  };
  if (s.arg.kind == YNode::Kind::Seq && !s.arg.items.empty()) {
    for (const YNode& t : s.arg.items) one(t);
  } else if (s.arg.kind == YNode::Kind::Null || s.arg.kind == YNode::Kind::Seq) {
    error(s.arg.pos, "`del` needs a target: del: x, or a list del: [a, d[k]]");
  } else {
    one(s.arg);
  }
}

void Compiler::step_timeout(const Step& s) {
  // async with asyncio.timeout(EXPR): ...
  ExprPtr delay = expression(s.arg, "timeout");
  if (!delay) return;
  std::vector<ExprPtr> args;
  args.push_back(std::move(delay));
  compile_async_with_expr(s.node, asyncio_call("timeout", std::move(args), {}, s.line), s.as, s.line);
}

void Compiler::step_task_group(const Step& s) {
  // async with asyncio.TaskGroup() as NAME: ...
  compile_async_with_expr(s.node, asyncio_call("TaskGroup", {}, {}, s.line), &s.arg, s.line);
}

void Compiler::step_wait_for(const Step& s) {
  // TARGET = await asyncio.wait_for(EXPR, timeout)
  const YNode* t = s.node.get("timeout");
  if (!t) { error(s.node.pos, "a `wait_for` step needs `timeout:` (None waits forever)"); return; }
  std::vector<ExprPtr> args;
  ExprPtr aw = expression(s.arg, "wait_for");
  ExprPtr to = value_expr(*t);
  if (!aw || !to) return;
  args.push_back(std::move(aw));
  args.push_back(std::move(to));
  Instr ins{Op::Await};
  ins.e = own(asyncio_call("wait_for", std::move(args), {}, s.line));
  if (s.as) ins.target = target(*s.as);
  emit(ins, s.line);
}

void Compiler::step_wait(const Step& s) {
  // done, pending = await asyncio.wait(AWS, timeout=..., return_when=...)
  ExprPtr aws = s.arg.kind == YNode::Kind::Seq ? value_expr(s.arg) : expression(s.arg, "wait");
  if (!aws) return;
  std::vector<ExprPtr> args;
  args.push_back(std::move(aws));
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  if (auto* t = s.node.get("timeout")) if (auto e = value_expr(*t)) kwargs.emplace_back("timeout", std::move(e));
  if (auto* r = s.node.get("return_when")) if (auto e = value_expr(*r)) kwargs.emplace_back("return_when", std::move(e));
  Instr ins{Op::Await};
  ins.e = own(asyncio_call("wait", std::move(args), std::move(kwargs), s.line));
  if (s.as) ins.target = target(*s.as);
  emit(ins, s.line);
}

void Compiler::step_yield(const Step& s) {
  // In a coroutine: an async generator; in a plain function: a generator.
  if (current_is_coroutine_) {
    if (has_return_value_) error(s.verb_pos, "an async generator cannot also return a value", "Python: SyntaxError: 'return' with value in async generator");
    current_->is_async_gen = true;
  } else {
    current_->is_generator = true;
  }
  Instr y{Op::Yield};
  y.e = s.arg.kind == YNode::Kind::Null ? nullptr : own(value_expr(s.arg));
  if (s.as) y.target = target(*s.as);  // x = yield v: what send() / asend() passes in
  emit(y, s.line);
}

void Compiler::compile_nested_def(const YNode& step, const YNode& name_node, const std::string& verb, int line) {
  if (!name_node.is_scalar() || !valid_identifier(name_node.value)) {
    error(name_node.pos, "`" + verb + "` names the function: - " + verb + ": inner",
          "its parameters go under `params:` and its body under `steps:`, beside `" + verb + "`");
    return;
  }
  if (!step.get("steps")) {
    error(step.pos, "'" + name_node.value + "' has no `steps`", "give it a body: `steps: [...]` beside `" + verb + ": " + name_node.value + "`");
    return;
  }
  const std::string& name = name_node.value;
  std::vector<ExprPtr> defaults;
  // Compiled under its qualified name (what its own nested definitions
  // are prefixed with), then given its short name.
  std::string qualname = qualname_prefix(scope_) + name;
  CodeObject* code = compile_body(qualname, step, verb == "async_def", name_node.pos, false, scope_, &defaults, verb.c_str());
  code->name = name;
  auto make = std::make_unique<Expr>(ExprKind::Lambda, name_node.pos);
  make->code = code;
  // Defaults, parallel to the code's parameters.
  size_t next = 0;
  for (const Expr* d : code->param_defaults) make->kwargs.push_back(d ? std::move(defaults[next++]) : nullptr);
  // @d1 @d2 def f: f = d1(d2(<function f>)), as calls in this scope -- the
  // decorators are evaluated first, top to bottom, then the defaults, then
  // applied bottom-up, as CPython's compiler_function orders them.
  ExprPtr value = std::move(make);
  if (const YNode* list = step.get("decorators")) {
    std::vector<ExprPtr> decorators = decorator_exprs(*list);
    for (auto it = decorators.rbegin(); it != decorators.rend(); ++it) {
      auto call = std::make_unique<Expr>(ExprKind::Call, (*it)->pos);
      call->kids.push_back(std::move(*it));
      call->kids.push_back(std::move(value));
      value = std::move(call);
    }
  }
  Instr ins{Op::Assign};
  ins.e = own(std::move(value));
  auto t = std::make_unique<Expr>(ExprKind::Name, name_node.pos);
  t->name = name;
  declare_target_names(*t);
  ins.target = own(std::move(t));
  emit(ins, line);
}

void Compiler::compile_nonlocal(const YNode& names) {
  std::vector<const YNode*> list;
  if (names.is_scalar()) list.push_back(&names);
  else if (names.kind == YNode::Kind::Seq) for (auto& n : names.items) list.push_back(&n);
  for (const YNode* n : list) {
    if (!n->is_scalar() || !valid_identifier(n->value)) {
      error(n->pos, "`nonlocal` takes a name or a list of names: - nonlocal: count");
      continue;
    }
    std::vector<SymError> errs;
    symtable_.declare_nonlocal(scope_, n->value, n->pos, errs);
    for (auto& e : errs) error(e.pos, e.message, e.hint);
  }
  if (list.empty()) error(names.pos, "`nonlocal` takes a name or a list of names: - nonlocal: count");
}

std::string Compiler::join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::string("`") + v[i] + "`";
  return s;
}


// The step language's verbs (docs/language.md), in the order "did you mean"
// lists them. A new verb is one row here and one handler above.
const std::vector<Compiler::VerbRule>& Compiler::verb_rules() {
  static const std::vector<VerbRule> rules = {
      // name          modifiers                                      awaits  function-only  handler
      {"print",        {},                                            false,  false,  &Compiler::step_print},
      {"sleep",        {},                                            true,   false,  &Compiler::step_sleep},
      {"block",        {},                                            false,  false,  &Compiler::step_block},
      {"await",        {"as"},                                        true,   false,  &Compiler::step_await},
      {"set",          {},                                            false,  false,  &Compiler::step_set},
      {"call",         {"as"},                                        false,  false,  &Compiler::step_call},
      {"task",         {"as", "name", "group"},                       false,  false,  &Compiler::step_task},
      {"gather",       {"as", "return_exceptions"},                   true,   false,  &Compiler::step_gather},
      {"cancel",       {"msg", "as"},                                 false,  false,  &Compiler::step_cancel},
      {"raise",        {"from"},                                      false,  false,  &Compiler::step_raise},
      {"assert",       {"msg"},                                       false,  false,  &Compiler::step_assert},
      {"del",          {},                                            false,  false,  &Compiler::step_del},
      {"return",       {},                                            false,  true,   &Compiler::step_return},
      {"try",          {"except", "except_star", "else", "finally"},  false,  false,  &Compiler::step_try},
      {"if",           {"then", "else"},                              false,  false,  &Compiler::step_if},
      {"while",        {"steps"},                                     false,  false,  &Compiler::step_while},
      {"for",          {"in", "steps"},                               false,  false,  &Compiler::step_for},
      {"pass",         {},                                            false,  false,  &Compiler::step_pass},
      {"break",        {},                                            false,  false,  &Compiler::step_break},
      {"continue",     {},                                            false,  false,  &Compiler::step_continue},
      {"async_for",    {"in", "steps"},                               true,   false,  &Compiler::step_async_for},
      {"async_with",   {"as", "steps"},                               true,   false,  &Compiler::step_async_with},
      {"timeout",      {"steps", "as"},                               true,   false,  &Compiler::step_timeout},
      {"task_group",   {"steps"},                                     true,   false,  &Compiler::step_task_group},
      {"wait_for",     {"timeout", "as"},                             true,   false,  &Compiler::step_wait_for},
      {"wait",         {"return_when", "timeout", "as"},              true,   false,  &Compiler::step_wait},
      {"yield",        {"as"},                                        false,  true,   &Compiler::step_yield},
      {"global",       {},                                            false,  false,  &Compiler::step_global},
      {"with",         {"as", "steps"},                               false,  false,  &Compiler::step_with},
      {"def",          {"params", "steps", "decorators"},             false,  false,  &Compiler::step_def},
      {"async_def",    {"params", "steps", "decorators"},             false,  false,  &Compiler::step_def},
      {"nonlocal",     {},                                            false,  false,  &Compiler::step_nonlocal},
  };
  return rules;
}

}  // namespace corun
