// Compiler (compiler.h): expressions from YAML values (plain scalars are
// expressions, quoted ones templates, lists and mappings literals), the
// targets of `as:` and `set:`, and awaits written inside expressions,
// checked here and lowered to instructions by lower_await.cpp.
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

void Compiler::note_await_syntax(const std::string& raw) {
  if (!await_syntax_seen_ && (has_keyword(raw, "await") || has_keyword(raw, "async") || raw.find(":=") != std::string::npos))
    await_syntax_seen_ = true;
}

bool Compiler::has_keyword(const std::string& text, std::string_view word) {
  auto ident = [](char c) { return std::isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80; };
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    size_t next = at + word.size();
    if ((at == 0 || !ident(text[at - 1])) && (next >= text.size() || !ident(text[next]))) return true;
  }
  return false;
}

bool Compiler::instruction_awaits(const Instr& ins) {
  return (ins.e && contains_await(*ins.e)) || (ins.e2 && contains_await(*ins.e2)) ||
         (ins.target && contains_await(*ins.target));
}

void Compiler::lower_awaits(Instr& ins, int line) {
  lowering_ = true;
  ExprPtr e = ins.e ? take_owned(ins.e) : nullptr;
  ExprPtr e2 = ins.e2 ? take_owned(ins.e2) : nullptr;
  if ((ins.e && !e) || (ins.e2 && !e2)) {  // not this code's own expressions: nothing to rewrite
    error(SourcePos{line, 0}, "corun does not support `await` here yet");
    ins.e = e ? own(std::move(e)) : ins.e;
    ins.e2 = e2 ? own(std::move(e2)) : ins.e2;
    lowering_ = false;
    return;
  }
  lower_instruction_awaits(ins.op, ins.a, e, e2, ins.target, line, *this);
  ins.e = own(std::move(e));
  ins.e2 = own(std::move(e2));
  lowering_ = false;
}

void Compiler::release_lowered_temps(Op op, int line) {
  std::vector<int> temps = std::move(lowered_temps_);
  lowered_temps_.clear();
  bool falls_through = op != Op::Jump && op != Op::JumpIfFalse && op != Op::Return && op != Op::Raise &&
                       op != Op::Reraise && op != Op::ForNext && op != Op::Match;
  if (!falls_through) return;
  for (int slot : temps) emit(Instr{Op::Clear, slot}, line);
}

int Compiler::temp_slot(const char* what) {
  int slot = hidden_slot(what);
  lowered_temps_.push_back(slot);
  return slot;
}

void Compiler::report(SourcePos pos, std::string message, std::string hint) {
  error(pos, std::move(message), std::move(hint));
}

AwaitContext Compiler::await_context() const {
  if (resolving_fields_) return AwaitContext::Sync;  // as written in __init__ by `corun export`
  if (current_ == module_ || module_scope_) return AwaitContext::Module;
  return current_is_coroutine_ ? AwaitContext::Async : AwaitContext::Sync;
}

void Compiler::check_awaits(const Expr& e) {
  if (!await_syntax_seen_) return;
  check_await_usage(e, await_context(), [&](SourcePos pos, std::string msg, std::string hint) {
    report(pos, std::move(msg), std::move(hint));
  });
}

void Compiler::check_bare_walrus(const Expr& e) {
  if (e.kind != ExprKind::NamedExpr || e.parenthesized || bare_walrus_ok_) return;
  error(e.pos, "invalid syntax: an unparenthesized `:=` is allowed only as the condition of `if:` or `while:`",
        "write it in parentheses: (" + e.kids[0]->name + " := ...)");
}

ExprPtr Compiler::parse_guarded(const std::function<ExprPtr()>& f, SourcePos pos, const std::string& raw, bool plain, char in_flow) {
  note_await_syntax(raw);
  try {
    return f();
  } catch (const ParseError& e) {
    std::string hint = e.hint;
    std::string message = e.message;
    std::string shown = raw.size() > 60 ? raw.substr(0, 57) + "..." : raw;
    bool unbalanced = std::count(raw.begin(), raw.end(), '(') > std::count(raw.begin(), raw.end(), ')') ||
                      std::count(raw.begin(), raw.end(), '[') > std::count(raw.begin(), raw.end(), ']');
    if (in_flow == '{' && plain && unbalanced) {
      // YAML, not Python, cut the value short: say what YAML read.
      message += " (YAML read the value as `" + shown + "`: in a flow mapping {...} a plain value ends at a comma)";
      hint = block_style_hint(src_.line(pos.line));
    } else if (hint.empty() && plain && unbalanced)
      hint = "in a YAML flow list [a, b] every comma separates items: write one `- item` per line, "
             "or tag the whole list !expr";
    // Words that are not an expression were probably meant as text; brackets
    // say the author wrote an expression, which quoting would not fix.
    if (hint.empty() && plain && raw.find_first_of("([{") == std::string::npos)
      hint = "a plain YAML scalar is a Python expression; to write a string, quote it: \"" + shown + "\"";
    error(e.pos.line ? e.pos : pos, message, hint);
    return nullptr;
  }
}

SourcePos Compiler::content_pos(const YNode& n) {
  SourcePos p = n.pos;
  if (n.is_quoted() || n.quoted) p.col += 1;  // the text starts after the quote
  return p;
}

ExprPtr Compiler::expression(const YNode& n, const char* what) {
  if (n.kind == YNode::Kind::Null) { error(n.pos, std::string("`") + what + "` needs a value"); return nullptr; }
  if (!n.is_scalar()) { error(n.pos, std::string("`") + what + "` is an expression, found " + n.kind_name()); return nullptr; }
  return value_expr(n);
}

ExprPtr Compiler::value_expr(const YNode& n) {
  switch (n.kind) {
    case YNode::Kind::Null: {
      auto c = std::make_unique<Expr>(ExprKind::Const, n.pos);
      return c;
    }
    case YNode::Kind::Scalar: {
      if (n.is_quoted()) return template_expr(n);
      if (n.is_plain() || n.is_expr_tag()) {
        if (n.is_plain()) {
          if (n.value == "true" || n.value == "false") {
            auto c = std::make_unique<Expr>(ExprKind::Const, n.pos);
            c->value = Value::boolean(n.value == "true");
            return c;
          }
        }
        ExprPtr e = parse_guarded([&] { return parse_expression(n.value, content_pos(n)); }, n.pos, n.value,
                                  n.is_plain(), n.in_flow);
        if (e) check_bare_walrus(*e);
        return e;
      }
      error(n.pos, "unknown tag '" + n.tag + "'", "the one tag corun knows is !expr");
      return nullptr;
    }
    case YNode::Kind::Seq: {
      auto l = std::make_unique<Expr>(ExprKind::List, n.pos);
      for (auto& item : n.items) {
        bool saved = bare_walrus_ok_;
        bare_walrus_ok_ = true;  // [x := 1] is a list display
        ExprPtr e = value_expr(item);
        bare_walrus_ok_ = saved;
        if (!e) return nullptr;
        l->kids.push_back(std::move(e));
      }
      return l;
    }
    case YNode::Kind::Map: {
      if (reads_as_a_set(n)) {
        error(n.pos, "YAML read this {...} as a mapping whose keys have no values, not as a set",
              "a set display is an expression: tag it, !expr \"{1, 2}\" (a dict with None values is {a: null})");
        return nullptr;
      }
      auto d = std::make_unique<Expr>(ExprKind::Dict, n.pos);
      for (auto& [k, v] : n.pairs) {
        auto key = std::make_unique<Expr>(ExprKind::Const, k.pos);
        key->value = make_str(k.value);
        bool saved = bare_walrus_ok_;
        bare_walrus_ok_ = false;  // {"k": x := 1} is invalid
        ExprPtr e = value_expr(v);
        bare_walrus_ok_ = saved;
        if (!e) return nullptr;
        d->kids.push_back(std::move(key));
        d->kwargs.push_back(std::move(e));
      }
      return d;
    }
  }
  return nullptr;
}

bool Compiler::reads_as_a_set(const YNode& n) {
  if (n.pairs.empty() || n.pos.line <= 0) return false;
  const std::string_view line = src_.line(n.pos.line);
  if (size_t(n.pos.col) > line.size() || line[size_t(n.pos.col) - 1] != '{') return false;
  for (auto& [k, v] : n.pairs) {
    if (v.kind != YNode::Kind::Null || k.pos.line != n.pos.line || v.pos.line != n.pos.line) return false;
    if (v.pos.col <= k.pos.col || size_t(v.pos.col) > line.size() + 1) return false;
    if (line.substr(size_t(k.pos.col) - 1, size_t(v.pos.col - k.pos.col)).find(':') != std::string_view::npos) return false;
  }
  return true;
}

ExprPtr Compiler::template_expr(const YNode& n) {
  return parse_guarded([&] { return parse_template(n.value, content_pos(n)); }, n.pos, n.value, false);
}

ExprPtr Compiler::print_template(const YNode& n) {
  if (n.is_expr_tag()) return value_expr(n);
  if (n.kind == YNode::Kind::Map)
    { error(n.pos, "`print` takes a template, but YAML read a mapping here",
            "a template that starts with '{' must be quoted: print: \"{name} started\""); return nullptr; }
  if (n.kind == YNode::Kind::Seq) { error(n.pos, "`print` takes a template, found a list", "quote the template"); return nullptr; }
  if (n.kind == YNode::Kind::Null) {
    auto c = std::make_unique<Expr>(ExprKind::Const, n.pos);
    c->value = make_str("");
    return c;
  }
  return template_expr(n);
}

const Expr* Compiler::target(const YNode& n) {
  ExprPtr t;
  if (n.is_scalar()) {
    t = parse_guarded([&] { return parse_target(n.value, content_pos(n)); }, n.pos, n.value, false);
  } else if (n.kind == YNode::Kind::Seq) {
    t = std::make_unique<Expr>(ExprKind::Tuple, n.pos);
    for (auto& item : n.items) {
      if (!item.is_scalar()) { error(item.pos, "a target list holds names"); return nullptr; }
      ExprPtr k = parse_guarded([&] { return parse_target(item.value, content_pos(item)); }, item.pos, item.value, false);
      if (!k) return nullptr;
      t->kids.push_back(std::move(k));
    }
  } else {
    error(n.pos, "a target is a name or a list of names, found " + std::string(n.kind_name()));
    return nullptr;
  }
  if (!t) return nullptr;
  declare_target_names(*t);
  return own(std::move(t));
}

void Compiler::declare_target_names(Expr& t) {
  if (t.kind == ExprKind::Name) declare_local(t.name, t.pos);
  else if (t.kind == ExprKind::Tuple || t.kind == ExprKind::List || t.kind == ExprKind::Starred)
    for (auto& k : t.kids) declare_target_names(*k);
}

}  // namespace corun
