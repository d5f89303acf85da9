// `corun export`: scenario -> the Python 3.11 program it stands for.
// See export.h. The step table is the spec's (scenario-language.md, "Steps").
#include "engine/export/export.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "engine/compile/language_tables.h"
#include "engine/python/classes.h"
#include "engine/load/expr.h"

namespace corun {

namespace {

constexpr size_t kMaxLine = 79;  // PEP 8
const char* const kIndent = "    ";

// The verbs, in the compiler's order: the first key of a step that is one
// is the step's verb, the other keys are its modifiers.
const std::vector<std::string> kVerbs = {"print", "sleep", "block", "await", "set", "call", "task", "gather", "cancel",
                                         "raise", "assert", "del", "return", "try", "if", "while", "for", "pass", "break", "continue",
                                         "async_for", "async_with", "timeout", "task_group", "wait_for", "wait", "yield", "global", "with",
                                         "def", "async_def", "nonlocal"};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// ---- string literals ----------------------------------------------------------

// Escapes `s` for the inside of a Python string literal delimited by `quote`
// (one character; in triple-quoted literals every occurrence is escaped,
// which is always valid). With `braces`, `{`/`}` are doubled (f-string text).
std::string escape_chars(const std::string& s, char quote, bool braces) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '{': out += braces ? "{{" : "{"; break;
      case '}': out += braces ? "}}" : "}"; break;
      default:
        if (c == (unsigned char)quote) {
          out += '\\';
          out += char(c);
        } else if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  return out;
}

// ---- templates ------------------------------------------------------------------

struct Field {
  std::string raw;         // everything between the braces
  std::string expr;        // the expression (without a debug '=')
  std::string debug_text;  // "x=" for {x=}
  char conversion = 0;
  std::string spec;        // format spec text (may hold nested fields)
};

struct Segment {
  bool is_field = false;
  std::string literal;  // decoded text ({{ -> {)
  Field field;
};

// Splits a template body the way corun's parser does (engine/load/expr_parser.cpp,
// parse_fstring_into/parse_field), which is also Python 3.11's scanning.
// Malformed text (never the case after compile_scenario) stays literal.
std::vector<Segment> split_template(const std::string& body) {
  std::vector<Segment> segs;
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    Segment s;
    s.literal = literal;
    segs.push_back(std::move(s));
    literal.clear();
  };
  size_t k = 0;
  while (k < body.size()) {
    char ch = body[k];
    if ((ch == '{' || ch == '}') && k + 1 < body.size() && body[k + 1] == ch) {
      literal += ch;
      k += 2;
      continue;
    }
    if (ch != '{') {
      literal += ch;
      ++k;
      continue;
    }
    // A field: expression, then optional !c and :spec, then '}'.
    size_t start = k + 1, j = start, end = std::string::npos;
    int depth = 0;
    char quote = 0;
    for (; j < body.size(); ++j) {
      char c = body[j];
      if (quote) { if (c == quote) quote = 0; continue; }
      if (c == '\'' || c == '"') { quote = c; continue; }
      if (c == '(' || c == '[' || c == '{') { ++depth; continue; }
      if (c == ')' || c == ']' || c == '}') {
        if (depth == 0 && c == '}') { end = j; break; }
        --depth;
        continue;
      }
      if (depth == 0 && (c == '!' || c == ':')) {
        if (c == '!' && j + 1 < body.size() && body[j + 1] == '=') { ++j; continue; }
        end = j;
        break;
      }
    }
    if (end == std::string::npos) {  // unterminated: keep as text
      literal += body.substr(k);
      break;
    }
    Field f;
    f.expr = body.substr(start, end - start);
    size_t last = f.expr.find_last_not_of(" \t");
    if (last != std::string::npos && f.expr[last] == '=' &&
        (last == 0 || std::string("=!<>").find(f.expr[last - 1]) == std::string::npos)) {
      f.debug_text = f.expr;
      f.expr = f.expr.substr(0, last);
    }
    j = end;
    if (j < body.size() && body[j] == '!' && j + 1 < body.size()) {
      f.conversion = body[j + 1];
      j += 2;
    }
    if (j < body.size() && body[j] == ':') {
      size_t spec_start = j + 1;
      int d = 0;
      for (j = spec_start; j < body.size(); ++j) {
        if (body[j] == '{') ++d;
        else if (body[j] == '}') { if (d == 0) break; --d; }
      }
      f.spec = body.substr(spec_start, j - spec_start);
    }
    if (j >= body.size() || body[j] != '}') {
      literal += body.substr(k);
      break;
    }
    f.raw = body.substr(start, j - start);
    flush();
    Segment s;
    s.is_field = true;
    s.field = std::move(f);
    segs.push_back(std::move(s));
    k = j + 1;
  }
  flush();
  return segs;
}

// True when `text` is one bracketed group: "(a, b)", "[x for x in y]".
bool enclosed(const std::string& text) {
  std::string t = trim(text);
  if (t.empty() || (t[0] != '(' && t[0] != '[' && t[0] != '{')) return false;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') { quote = c; continue; }
    if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) return i == t.size() - 1;
    }
  }
  return false;
}

// Where an expression's text goes decides whether it needs parentheses.
enum class Ctx {
  Free,     // a whole statement's expression: `x = E`, `return E`, `if E:`
  Arg,      // one call argument or display element: no bare tuple or genexp
  Primary,  // the operand of `await`, `*`, or `.method()`
};

std::string in_context(const std::string& text, Ctx ctx) {
  if (ctx == Ctx::Free) return text;
  ExprKind kind;
  bool gen = false;
  try {
    ExprPtr e = parse_expression(text, SourcePos{});
    kind = e->kind;
    gen = e->kind == ExprKind::Comp && e->comp_type == Expr::CompType::Gen;
  } catch (const ParseError&) {
    return enclosed(text) ? text : "(" + text + ")";
  }
  if (enclosed(text)) return text;
  if (ctx == Ctx::Arg) return (kind == ExprKind::Tuple || gen) ? "(" + text + ")" : text;
  switch (kind) {
    case ExprKind::Name: case ExprKind::Attr: case ExprKind::Call: case ExprKind::Subscript:
      return text;
    default:
      return "(" + text + ")";
  }
}

std::string fstring_with_quote(const std::vector<Segment>& segs, const std::string& quote) {
  std::string out = "f" + quote;
  for (auto& s : segs) {
    if (s.is_field) out += "{" + s.field.raw + "}";
    else out += escape_chars(s.literal, quote[0], true);
  }
  return out + quote;
}

bool quote_fits(const std::vector<Segment>& segs, const std::string& quote) {
  for (auto& s : segs) {
    if (!s.is_field) continue;
    const std::string& raw = s.field.raw;
    // Python 3.11: no backslash and no '#' inside the braces, and not the
    // string's own delimiter; a newline only in triple-quoted strings.
    if (raw.find('\\') != std::string::npos || raw.find('#') != std::string::npos) return false;
    if (raw.find(quote) != std::string::npos) return false;
    if (quote.size() == 1 && raw.find('\n') != std::string::npos) return false;
  }
  return true;
}

// A template no f-string can hold: "text " + str(x) + format(y, ".2f").
std::string concatenation(const std::vector<Segment>& segs) {
  std::vector<std::string> pieces;
  for (auto& s : segs) {
    if (!s.is_field) {
      pieces.push_back(python_string_literal(s.literal));
      continue;
    }
    const Field& f = s.field;
    if (!f.debug_text.empty()) pieces.push_back(python_string_literal(f.debug_text));
    std::string e = in_context(trim(f.expr), Ctx::Arg);
    char conv = f.conversion;
    if (!conv && !f.debug_text.empty() && f.spec.empty()) conv = 'r';
    std::string value = e;
    if (conv == 'r') value = "repr(" + e + ")";
    else if (conv == 's') value = "str(" + e + ")";
    else if (conv == 'a') value = "ascii(" + e + ")";
    if (f.spec.empty()) pieces.push_back(conv ? value : "str(" + e + ")");
    else pieces.push_back("format(" + value + ", " + python_template(f.spec) + ")");
  }
  if (pieces.empty()) return "\"\"";
  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) out += (i ? " + " : "") + pieces[i];
  return pieces.size() > 1 ? "(" + out + ")" : out;
}

// ---- the exporter -----------------------------------------------------------------

class Exporter {
 public:
  Exporter(const Program& program, std::string file_name) : prog_(program), file_name_(std::move(file_name)) {}

  std::string run(const YNode& root) {
    scan_program();
    std::vector<std::vector<std::string>> defs;  // top-level definitions, each a block of lines

    if (auto* ex = root.get("exceptions"); ex && ex->kind == YNode::Kind::Map) {
      for (auto& [k, v] : ex->pairs) {
        std::string base = v.is_scalar() ? trim(v.value) : "";
        if (base.empty()) base = "Exception";
        start(defs);
        line(0, "class " + k.value + "(" + exception_name(base) + "):");
        line(1, "pass");
      }
    }
    if (auto* fs = root.get("functions"); fs && fs->kind == YNode::Kind::Map) {
      for (auto& [k, v] : fs->pairs) {
        start(defs);
        definition(k.value, v, 0, false, false, {});
      }
    }
    if (auto* cl = root.get("classes"); cl && cl->kind == YNode::Kind::Map) {
      for (auto& [k, v] : cl->pairs) {
        start(defs);
        class_def(k.value, v);
      }
    }
    if (auto* cs = root.get("coroutines"); cs && cs->kind == YNode::Kind::Map) {
      for (auto& [k, v] : cs->pairs) {
        start(defs);
        definition(k.value, v, 0, true, false, {});
      }
    }

    // The module's own statements, after its definitions.
    if (const YNode* script = root.get("script")) {
      start(defs);
      if (prog_.has_seed) line(0, "random.seed(" + std::to_string(prog_.seed) + ")");
      block(script, 0);
    } else {
      entry_point(root, defs);
    }
    if (prog_.has_seed) uses_random_ = true;
    return assemble(root, defs);
  }

 private:
  // The short form: asyncio.run(MAIN) under the usual guard.
  void entry_point(const YNode& root, std::vector<std::vector<std::string>>& defs) {
    start(defs);
    line(0, "if __name__ == \"__main__\":");
    const YNode* options = root.get("options");
    if (options && options->kind == YNode::Kind::Map) {
      if (auto* seed = options->get("seed")) line(1, "random.seed(" + trim(seed->value) + ")");
    }
    const YNode* main = root.get("main");
    std::string main_call = main ? value(*main, Ctx::Arg) : "main()";
    if (prog_.debug) main_call += ", debug=True";
    line(1, "asyncio.run(" + main_call + ")");
  }

  std::string assemble(const YNode& root, const std::vector<std::vector<std::string>>& defs) {
    // Header, docstring and imports, now that the body says what it uses.
    std::vector<std::string> out;
    std::string header = "# Generated by `corun export` from " + file_name_ + ".";
    if (header.size() <= kMaxLine) out.push_back(header);
    else {
      out.push_back("# Generated by `corun export` from");
      out.push_back("# " + file_name_ + ".");
    }
    std::string doc = docstring(root);
    if (!doc.empty()) out.push_back(doc);
    out.push_back("");
    out.push_back("import asyncio");
    if (uses_functools_) out.push_back("import functools");
    if (uses_itertools_) out.push_back("import itertools");
    if (uses_math_) out.push_back("import math");
    if (uses_random_) out.push_back("import random");
    if (uses_time_) out.push_back("import time");
    if (uses_contextlib_) out.push_back("import contextlib");
    if (uses_socket_) out.push_back("import socket");
    if (uses_collections_) out.push_back("import collections");
    if (import_cancelled_) out.push_back("from asyncio import CancelledError");
    for (auto& d : defs) {
      out.push_back("");
      out.push_back("");
      for (auto& l : d) out.push_back(l);
    }
    std::string text;
    for (auto& l : out) text += l + "\n";
    return text;
  }

  const Program& prog_;
  std::string file_name_;
  std::vector<std::string>* lines_ = nullptr;
  bool uses_time_ = false, uses_random_ = false, import_cancelled_ = false, uses_functools_ = false, uses_contextlib_ = false,
       uses_socket_ = false, uses_collections_ = false, uses_math_ = false, uses_itertools_ = false;

  void start(std::vector<std::vector<std::string>>& defs) {
    defs.emplace_back();
    lines_ = &defs.back();
  }
  void line(int depth, const std::string& text) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += kIndent;
    lines_->push_back(s + text);
  }

  // ---- what the program uses ----
  void scan_expr(const Expr& e) {
    if (e.kind == ExprKind::Name && e.scope == Scope::Builtin) {
      if (e.name == "time") uses_time_ = true;
      else if (e.name == "random") uses_random_ = true;
      else if (e.name == "functools") uses_functools_ = true;
      else if (e.name == "contextlib") uses_contextlib_ = true;
      else if (e.name == "socket") uses_socket_ = true;
      else if (e.name == "collections") uses_collections_ = true;
      else if (e.name == "math") uses_math_ = true;
      else if (e.name == "itertools") uses_itertools_ = true;
      else if (e.name == "CancelledError") import_cancelled_ = true;
    }
    for (auto& k : e.kids) if (k) scan_expr(*k);
    for (auto& k : e.kwargs) if (k) scan_expr(*k);
    for (auto& p : e.parts) {
      if (p.expr) scan_expr(*p.expr);
      if (p.format_spec) scan_expr(*p.format_spec);
    }
    for (auto& c : e.clauses) {
      if (c.target) scan_expr(*c.target);
      if (c.iter) scan_expr(*c.iter);
      for (auto& cond : c.conds) if (cond) scan_expr(*cond);
    }
  }

  void scan_program() {
    for (auto& code : prog_.codes) {
      if (code->internal) continue;  // corun's asyncio prelude is not the scenario's code
      std::set<const Expr*> handler_types;  // written out by exception_name()
      for (auto& ins : code->code) {
        if (ins.op == Op::Match && ins.e) handler_types.insert(ins.e);
        if (ins.op == Op::Block) uses_time_ = true;
      }
      for (auto& e : code->exprs)
        if (!handler_types.count(e.get())) scan_expr(*e);
    }
  }

  bool is_global(const std::string& name) const {
    for (auto& g : prog_.globals) if (g.name == name && !g.hidden) return true;
    return false;
  }

  // `CancelledError` in an `except` type (or as an exception base) means
  // asyncio.CancelledError, unless the scenario defines its own.
  std::string exception_name(const std::string& text) {
    std::string t = trim(text);
    if (t == "CancelledError" && !is_global(t)) return import_cancelled_ ? t : "asyncio.CancelledError";
    if (t != "CancelledError" && mentions_bare_cancelled(t) && !is_global("CancelledError")) import_cancelled_ = true;
    return t;
  }

  static bool mentions_bare_cancelled(const std::string& t) {
    const std::string word = "CancelledError";
    for (size_t p = t.find(word); p != std::string::npos; p = t.find(word, p + 1)) {
      bool left_ok = p == 0 || !(std::isalnum((unsigned char)t[p - 1]) || t[p - 1] == '_' || t[p - 1] == '.');
      size_t r = p + word.size();
      bool right_ok = r >= t.size() || !(std::isalnum((unsigned char)t[r]) || t[r] == '_');
      if (left_ok && right_ok) return true;
    }
    return false;
  }

  // ---- values ----
  std::string value(const YNode& n, Ctx ctx) {
    switch (n.kind) {
      case YNode::Kind::Null: return "None";
      case YNode::Kind::Scalar: {
        if (n.is_quoted()) return python_template(n.value);
        std::string t = trim(n.value);
        if (n.is_plain() && (t == "true" || t == "false")) return t == "true" ? "True" : "False";
        if (t.find('\n') != std::string::npos && !enclosed(t)) return "(" + t + ")";
        return in_context(t, ctx);
      }
      case YNode::Kind::Seq: {
        std::string s = "[";
        for (size_t i = 0; i < n.items.size(); ++i) s += (i ? ", " : "") + value(n.items[i], Ctx::Arg);
        return s + "]";
      }
      case YNode::Kind::Map: {
        std::string s = "{";
        for (size_t i = 0; i < n.pairs.size(); ++i)
          s += (i ? ", " : "") + python_string_literal(n.pairs[i].first.value) + ": " + value(n.pairs[i].second, Ctx::Arg);
        return s + "}";
      }
    }
    return "None";
  }

  static std::string target(const YNode& n) {
    if (n.is_scalar()) return trim(n.value);
    if (n.kind == YNode::Kind::Seq) {
      if (n.items.size() == 1) return "[" + trim(n.items[0].value) + "]";
      std::string s;
      for (size_t i = 0; i < n.items.size(); ++i) s += (i ? ", " : "") + trim(n.items[i].value);
      return s;
    }
    return "_";
  }

  // `prefix` + fn(args), one argument a line when it is too long for one.
  void call(int depth, const std::string& prefix, const std::string& fn, const std::vector<std::string>& args) {
    std::string joined;
    for (size_t i = 0; i < args.size(); ++i) joined += (i ? ", " : "") + args[i];
    std::string one = prefix + fn + "(" + joined + ")";
    if (args.size() < 2 || depth * 4 + one.size() <= kMaxLine) {
      line(depth, one);
      return;
    }
    line(depth, prefix + fn + "(");
    for (auto& a : args) line(depth + 1, a + ",");
    line(depth, ")");
  }

  // ---- definitions ----
  void definition(const std::string& name, const YNode& def, int depth, bool coroutine, bool method,
                  const std::vector<std::string>& prologue) {
    const YNode* steps = nullptr;
    const YNode* params = nullptr;
    if (def.kind == YNode::Kind::Seq) steps = &def;
    else if (def.kind == YNode::Kind::Map) {
      steps = def.get("steps");
      params = def.get("params");
    }
    std::vector<std::string> ps;
    const std::string receiver = method ? implicit_method_param(def) : "";
    if (!receiver.empty() && !(params && params->kind == YNode::Kind::Seq && !params->items.empty() &&
                               params->items[0].is_scalar() && params->items[0].value == receiver))
      ps.push_back(receiver);
    if (params && params->kind == YNode::Kind::Seq) {
      for (auto& p : params->items) {
        if (p.is_scalar()) ps.push_back(trim(p.value));
        else if (p.kind == YNode::Kind::Map && p.pairs.size() == 1)
          ps.push_back(p.pairs[0].first.value + "=" + value(p.pairs[0].second, Ctx::Arg));
      }
    }
    std::string joined;
    for (size_t i = 0; i < ps.size(); ++i) joined += (i ? ", " : "") + ps[i];
    if (const YNode* decorators = def.kind == YNode::Kind::Map ? def.get("decorators") : nullptr; decorators && decorators->kind == YNode::Kind::Seq)
      for (auto& d : decorators->items) line(depth, "@" + value(d, Ctx::Free));
    line(depth, std::string(coroutine ? "async def " : "def ") + name + "(" + joined + "):");
    for (auto& l : prologue) line(depth + 1, l);
    bool empty_steps = !steps || steps->kind != YNode::Kind::Seq || steps->items.empty();
    if (empty_steps && !prologue.empty()) return;
    block(steps, depth + 1);
  }

  void class_def(const std::string& name, const YNode& def) {
    const YNode* base = def.get("base");
    line(0, "class " + name + (base && base->is_scalar() ? "(" + base->value + ")" : "") + ":");
    const YNode* fields = def.get("fields");
    const YNode* methods = def.get("methods");
    std::vector<std::string> init_lines;
    bool first = true;
    if (const YNode* attrs = def.get("attributes"); attrs && attrs->kind == YNode::Kind::Map)
      for (auto& [ak, av] : attrs->pairs) {
        line(1, ak.value + " = " + value(av, Ctx::Free));
        first = false;
      }
    if (fields && fields->kind == YNode::Kind::Map)
      for (auto& [fk, fv] : fields->pairs) init_lines.push_back("self." + fk.value + " = " + value(fv, Ctx::Free));
    const YNode* user_init = nullptr;
    if (methods && methods->kind == YNode::Kind::Map) user_init = methods->get("__init__");
    if (!init_lines.empty() && !user_init && base && base->is_scalar()) {
      // corun sets the base class's fields too, then runs the inherited __init__.
      line(1, "def __init__(self, *args, **kwargs):");
      line(2, "super().__init__(*args, **kwargs)");
      for (auto& l : init_lines) line(2, l);
      first = false;
    } else if (!init_lines.empty() || user_init) {
      static const YNode empty_def;
      definition("__init__", user_init ? *user_init : empty_def, 1, false, true, init_lines);
      first = false;
    }
    if (methods && methods->kind == YNode::Kind::Map) {
      for (auto& [mk, mv] : methods->pairs) {
        if (mk.value == "__init__") continue;
        bool sync = is_sync_dunder(mk.value);  // as the compiler decides
        if (mv.kind == YNode::Kind::Map)
          if (auto* s = mv.get("sync")) sync = s->value == "true";
        if (!first) lines_->push_back("");
        first = false;
        definition(mk.value, mv, 1, !sync, true, {});
      }
    }
    if (first) line(1, "pass");
  }

  // ---- steps ----
  void block(const YNode* steps, int depth) {
    if (!steps || steps->kind != YNode::Kind::Seq || steps->items.empty()) {
      line(depth, "pass");
      return;
    }
    for (auto& s : steps->items) step(s, depth);
  }

  static const YNode* verb_of(const YNode& step, std::string& verb, const YNode** key = nullptr) {
    for (auto& [k, v] : step.pairs) {
      if (std::find(kVerbs.begin(), kVerbs.end(), k.value) != kVerbs.end()) {
        verb = k.value;
        if (key) *key = &k;
        return &v;
      }
    }
    return nullptr;
  }

  void step(const YNode& s, int d) {
    if (s.is_scalar()) {
      line(d, trim(s.value));  // pass, break, continue, raise, return
      return;
    }
    if (s.kind != YNode::Kind::Map) return;
    std::string verb;
    const YNode* argp = verb_of(s, verb);
    if (!argp) return;
    const YNode& arg = *argp;
    const YNode* as = s.get("as");
    std::string assign = as ? target(*as) + " = " : "";

    if (verb == "print") {
      std::string text = arg.kind == YNode::Kind::Null ? "" : arg.is_expr_tag() ? value(arg, Ctx::Arg) : python_template(arg.value);
      if (!text.empty() && text[0] == '(' && enclosed(text)) text = text.substr(1, text.size() - 2);
      line(d, "print(" + text + ")");
    } else if (verb == "sleep") {
      line(d, "await asyncio.sleep(" + value(arg, Ctx::Arg) + ")");
    } else if (verb == "block") {
      uses_time_ = true;
      line(d, "time.sleep(" + value(arg, Ctx::Arg) + ")");
    } else if (verb == "await") {
      line(d, assign + "await " + value(arg, Ctx::Primary));
    } else if (verb == "set") {
      for (auto& [k, v] : arg.pairs) line(d, trim(k.value) + " = " + value(v, Ctx::Free));
    } else if (verb == "call") {
      line(d, assign + value(arg, Ctx::Free));
    } else if (verb == "task") {
      std::vector<std::string> args = {value(arg, Ctx::Arg)};
      if (auto* n = s.get("name")) args.push_back("name=" + value(*n, Ctx::Arg));
      std::string fn = "asyncio.create_task";
      if (auto* g = s.get("group")) fn = value(*g, Ctx::Primary) + ".create_task";
      call(d, assign, fn, args);
    } else if (verb == "gather") {
      std::vector<std::string> args;
      if (arg.kind == YNode::Kind::Seq) {
        for (auto& item : arg.items) args.push_back(value(item, Ctx::Arg));
      } else {
        args.push_back("*" + value(arg, Ctx::Primary));
      }
      if (auto* r = s.get("return_exceptions")) args.push_back("return_exceptions=" + value(*r, Ctx::Arg));
      call(d, assign + "await ", "asyncio.gather", args);
    } else if (verb == "cancel") {
      std::string msg = s.get("msg") ? value(*s.get("msg"), Ctx::Arg) : "";
      line(d, assign + value(arg, Ctx::Primary) + ".cancel(" + msg + ")");
    } else if (verb == "raise") {
      if (arg.kind == YNode::Kind::Null) { line(d, "raise"); return; }
      std::string from = s.get("from") ? " from " + value(*s.get("from"), Ctx::Free) : "";
      line(d, "raise " + value(arg, Ctx::Free) + from);
    } else if (verb == "del") {
      std::string targets;
      if (arg.kind == YNode::Kind::Seq)
        for (auto& t : arg.items) targets += (targets.empty() ? "" : ", ") + value(t, Ctx::Free);
      else targets = value(arg, Ctx::Free);
      line(d, "del " + targets);
    } else if (verb == "assert") {
      std::string msg = s.get("msg") ? ", " + value(*s.get("msg"), Ctx::Arg) : "";
      line(d, "assert " + value(arg, Ctx::Free) + msg);
    } else if (verb == "return") {
      if (arg.kind == YNode::Kind::Null) line(d, "return");
      else line(d, "return " + value(arg, Ctx::Free));
    } else if (verb == "pass" || verb == "break" || verb == "continue") {
      line(d, verb);
    } else if (verb == "if") {
      if_step(s, arg, d, false);
    } else if (verb == "while") {
      line(d, "while " + value(arg, Ctx::Free) + ":");
      block(s.get("steps"), d + 1);
    } else if (verb == "for" || verb == "async_for") {
      const YNode* in = s.get("in");
      line(d, std::string(verb == "for" ? "for " : "async for ") + target(arg) + " in " +
                  (in ? value(*in, Ctx::Free) : "()") + ":");
      block(s.get("steps"), d + 1);
    } else if (verb == "try") {
      try_step(s, arg, d);
    } else if (verb == "async_with" || verb == "with") {
      line(d, std::string(verb == "with" ? "with " : "async with ") + value(arg, Ctx::Arg) + (as ? " as " + target(*as) : "") + ":");
      block(s.get("steps"), d + 1);
    } else if (verb == "timeout") {
      const YNode* as = s.get("as");
      line(d, "async with asyncio.timeout(" + value(arg, Ctx::Arg) + ")" + (as ? " as " + target(*as) : "") + ":");
      block(s.get("steps"), d + 1);
    } else if (verb == "task_group") {
      line(d, "async with asyncio.TaskGroup() as " + target(arg) + ":");
      block(s.get("steps"), d + 1);
    } else if (verb == "wait_for") {
      std::vector<std::string> args = {value(arg, Ctx::Arg)};
      if (auto* t = s.get("timeout")) args.push_back(value(*t, Ctx::Arg));
      call(d, assign + "await ", "asyncio.wait_for", args);
    } else if (verb == "wait") {
      std::vector<std::string> args = {value(arg, Ctx::Arg)};
      if (auto* t = s.get("timeout")) args.push_back("timeout=" + value(*t, Ctx::Arg));
      if (auto* r = s.get("return_when")) {
        std::string w = value(*r, Ctx::Arg);
        if (w == "FIRST_COMPLETED" || w == "FIRST_EXCEPTION" || w == "ALL_COMPLETED") w = "asyncio." + w;
        args.push_back("return_when=" + w);
      }
      call(d, assign + "await ", "asyncio.wait", args);
    } else if (verb == "yield") {
      line(d, assign + (arg.kind == YNode::Kind::Null ? "yield" : "yield " + value(arg, Ctx::Free)));
    } else if (verb == "def" || verb == "async_def") {
      definition(trim(arg.value), s, d, verb == "async_def", false, {});
    } else if (verb == "global" || verb == "nonlocal") {
      std::string names;
      if (arg.kind == YNode::Kind::Seq)
        for (auto& n : arg.items) names += (names.empty() ? "" : ", ") + trim(n.value);
      else names = trim(arg.value);
      line(d, verb + " " + names);
    }
  }

  // `if`, with an `else:` that holds a single `if` step written as `elif`.
  void if_step(const YNode& s, const YNode& cond, int d, bool elif) {
    line(d, std::string(elif ? "elif " : "if ") + value(cond, Ctx::Free) + ":");
    block(s.get("then"), d + 1);
    const YNode* orelse = s.get("else");
    if (!orelse || orelse->kind == YNode::Kind::Null) return;
    if (orelse->kind == YNode::Kind::Seq && orelse->items.size() == 1 && orelse->items[0].kind == YNode::Kind::Map) {
      std::string verb;
      const YNode* inner = verb_of(orelse->items[0], verb);
      if (inner && verb == "if") {
        if_step(orelse->items[0], *inner, d, true);
        return;
      }
    }
    line(d, "else:");
    block(orelse, d + 1);
  }

  // A handler's `type`: `ValueError`, or `(KeyError, AppError)` for a list.
  std::string handler_types(const YNode& type) {
    if (type.kind != YNode::Kind::Seq) return exception_name(type.value);
    std::string names;
    for (size_t i = 0; i < type.items.size(); ++i) names += (i ? ", " : "") + exception_name(type.items[i].value);
    return "(" + names + ")";
  }

  void try_step(const YNode& s, const YNode& body, int d) {
    line(d, "try:");
    block(&body, d + 1);
    if (const YNode* handlers = s.get("except")) {
      std::vector<const YNode*> list;
      if (handlers->kind == YNode::Kind::Seq) for (auto& h : handlers->items) list.push_back(&h);
      else if (handlers->kind == YNode::Kind::Map) list.push_back(handlers);
      for (const YNode* h : list) {
        std::string head = "except";
        const YNode* type = h->get("type");
        // Python has no `except as e:`; a bare except catches BaseException.
        if (!type && h->get("as")) head += " BaseException";
        if (type) {
          head += " " + handler_types(*type);
        }
        if (const YNode* as = h->get("as")) head += " as " + target(*as);
        line(d, head + ":");
        block(h->get("steps"), d + 1);
      }
    }
    if (const YNode* handlers = s.get("except_star")) {
      for (auto& h : handlers->items) {
        const YNode* type = h.get("type");
        if (!type) continue;
        std::string head = "except* " + handler_types(*type);
        if (const YNode* as = h.get("as")) head += " as " + target(*as);
        line(d, head + ":");
        block(h.get("steps"), d + 1);
      }
    }
    if (const YNode* orelse = s.get("else")) {
      line(d, "else:");
      block(orelse, d + 1);
    }
    if (const YNode* fin = s.get("finally")) {
      line(d, "finally:");
      block(fin, d + 1);
    }
  }

  // ---- the module docstring: name, then the description wrapped at 76 ----
  static size_t code_points(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  static std::string wrap(const std::string& para, size_t width) {
    std::istringstream in(para);
    std::string word, out, current;
    size_t current_width = 0;
    while (in >> word) {
      size_t w = code_points(word);
      if (current.empty()) {
        current = word;
        current_width = w;
      } else if (current_width + 1 + w <= width) {
        current += " " + word;
        current_width += 1 + w;
      } else {
        out += current + "\n";
        current = word;
        current_width = w;
      }
    }
    return out + current;
  }

  static std::string docstring(const YNode& root) {
    std::string name, desc;
    if (auto* n = root.get("name"); n && n->is_scalar()) name = trim(n->value);
    if (auto* n = root.get("description"); n && n->is_scalar()) desc = trim(n->value);
    if (name.empty() && desc.empty()) return "";
    std::string doc = name;
    if (!desc.empty()) {
      std::vector<std::string> paras;
      size_t p = 0;
      while (true) {
        size_t q = desc.find("\n\n", p);
        paras.push_back(desc.substr(p, q == std::string::npos ? std::string::npos : q - p));
        if (q == std::string::npos) break;
        p = q + 2;
      }
      for (auto& para : paras) {
        std::string w = wrap(para, 76);
        if (w.empty()) continue;
        if (!doc.empty()) doc += "\n\n";
        doc += w;
      }
    }
    std::string escaped;
    for (size_t i = 0; i < doc.size(); ++i) {
      if (doc[i] == '\\') escaped += "\\\\";
      else if (doc.compare(i, 3, "\"\"\"") == 0) { escaped += "\\\"\"\""; i += 2; }
      else escaped += doc[i];
    }
    return "\"\"\"" + escaped + "\n\"\"\"";
  }
};

}  // namespace

std::string python_string_literal(const std::string& text) {
  char q = (text.find('"') != std::string::npos && text.find('\'') == std::string::npos) ? '\'' : '"';
  return std::string(1, q) + escape_chars(text, q, false) + std::string(1, q);
}

std::string python_template(const std::string& text) {
  std::vector<Segment> segs = split_template(text);
  bool has_field = false;
  for (auto& s : segs) has_field |= s.is_field;
  if (!has_field) {
    std::string s;
    for (auto& seg : segs) s += seg.literal;
    return python_string_literal(s);
  }
  // The quote that fits and needs the fewest escapes, double quotes first.
  static const char* const quotes[] = {"\"", "'", "\"\"\"", "'''"};
  std::string best;
  size_t best_cost = std::string::npos;
  for (const char* q : quotes) {
    if (!quote_fits(segs, q)) continue;
    size_t cost = 0;
    for (auto& s : segs)
      if (!s.is_field) cost += size_t(std::count(s.literal.begin(), s.literal.end(), q[0]));
    if (best_cost == std::string::npos || cost < best_cost) {
      best = q;
      best_cost = cost;
    }
  }
  if (best.empty()) return concatenation(segs);
  return fstring_with_quote(segs, best);
}

std::string export_python(const YNode& root, const Program& program, const std::string& file_name) {
  return Exporter(program, file_name).run(root);
}

}  // namespace corun
