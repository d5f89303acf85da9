// Scenario YAML -> Program: checks every key, verb and expression, compiles
// steps to instructions, and resolves every name to a frame slot, a program
// global or a builtin. All errors carry file:line:col.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "engine/builtins.h"
#include "engine/code.h"
#include "engine/yaml_doc.h"

namespace corun {

namespace {

const std::vector<std::string> kTopKeys = {"name", "description", "coroutines", "functions", "exceptions", "classes", "main", "options", "conformance"};
const std::vector<std::string> kVerbs = {"print", "sleep", "block", "await", "set", "call", "task", "gather", "cancel",
                                         "raise", "return", "try", "if", "while", "for", "pass", "break", "continue",
                                         "async_for", "async_with", "timeout", "task_group", "wait_for", "wait", "yield"};
const std::vector<std::string> kBareWords = {"pass", "break", "continue", "raise", "return", "yield"};
const std::set<std::string> kAwaitingVerbs = {"sleep", "await", "gather", "async_for", "async_with", "timeout", "task_group", "wait_for", "wait"};
const std::set<std::string> kLaterVerbs = {};

std::vector<std::string> modifiers(const std::string& verb) {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"await", {"as"}}, {"call", {"as"}}, {"task", {"as", "name", "group"}}, {"gather", {"as", "return_exceptions"}},
      {"cancel", {"msg", "as"}}, {"raise", {"from"}}, {"try", {"except", "except_star", "else", "finally"}}, {"if", {"then", "else"}},
      {"while", {"steps"}}, {"for", {"in", "steps"}}, {"async_with", {"as", "steps"}}, {"async_for", {"in", "steps"}},
      {"timeout", {"steps", "as"}}, {"task_group", {"steps"}}, {"wait_for", {"timeout", "as"}},
      {"wait", {"return_when", "timeout", "as"}}, {"yield", {"as"}}};
  auto it = table.find(verb);
  return it == table.end() ? std::vector<std::string>{} : it->second;
}

struct Construct {
  enum Kind { Loop, TryExcept, Handler, Finally, FinallyExc, AsyncWith, StarHandler } kind;
  int continue_pc = 0;
  std::vector<size_t> break_jumps;
  int as_slot = -1;                  // Handler: the `as` name to unbind
  const YNode* finally_steps = nullptr;  // Finally: to inline on break/continue/return
  size_t outer_depth = 0;            // Finally: construct-stack depth outside the try
  int mgr_slot = -1;                 // AsyncWith: the context manager
};

class Compiler {
 public:
  Compiler(Program& p, const SourceFile& src) : prog_(p), src_(src) {}

  // corun's own asyncio (queues, locks, timeouts, task groups, wait ...),
  // written in the scenario language as ports of CPython's Lib/asyncio. Its
  // definitions are hidden globals, exported as attributes of `asyncio`.
  void compile_prelude(const YNode& root) {
    prelude_ = true;
    size_t first = prog_.globals.size();
    declare_section(root, "exceptions");
    declare_section(root, "functions");
    declare_section(root, "coroutines");
    declare_section(root, "classes");
    for (size_t i = first; i < prog_.globals.size(); ++i) {
      prog_.globals[i].hidden = true;
      if (prog_.globals[i].name[0] != '_') prog_.asyncio_exports.emplace_back(prog_.globals[i].name, int(i));
    }
    module_ = new_code("<asyncio>", false, SourcePos{1, 1});
    module_->internal = true;
    if (auto* fs = root.get("functions")) compile_definitions(*fs, false);
    if (auto* cs = root.get("coroutines")) compile_definitions(*cs, true);
    if (auto* cl = root.get("classes")) compile_classes(*cl);
    if (!errors_.empty()) {
      for (auto& d : errors_) d.message = "internal error in corun's asyncio prelude: " + d.message;
      throw ScenarioError(std::move(errors_));
    }
    // BaseEventLoop.shutdown_asyncgens, which asyncio.run runs as a task
    // (its trace names it so), is private to the prelude: no asyncio attribute.
    for (auto& code : prog_.codes)
      if (code->internal && code->name == "_shutdown_asyncgens") code->name = code->qualname = "shutdown_asyncgens";
    prelude_module_ = module_;
    prog_.prelude_module = module_;
    prelude_ = false;
  }

  void compile(const YNode& root) {
    if (root.kind != YNode::Kind::Map)
      fail(root.pos, "a scenario is a YAML mapping (with `coroutines:` and optionally `main:`), found " + std::string(root.kind_name()));
    for (auto& [k, v] : root.pairs) {
      if (std::find(kTopKeys.begin(), kTopKeys.end(), k.value) == kTopKeys.end()) {
        std::string hint;
        if (k.value == "steps")
          hint = "steps belong to a coroutine: `coroutines: {main: {steps: [...]}}`; Python does not allow `await` "
                 "outside a coroutine either (SyntaxError: 'await' outside function)";
        error(k.pos, "unknown top-level key '" + k.value + "'" + did_you_mean(k.value, kTopKeys), hint);
      }
    }
    if (auto* n = root.get("name")) prog_.name = scalar_text(*n, "name");
    if (auto* n = root.get("description")) prog_.description = scalar_text(*n, "description");
    if (auto* opts = root.get("options")) compile_options(*opts);
    // conformance: {skip: "why"} -- read by tests/oracle/conformance.py; checked here.
    if (auto* conf = root.get("conformance")) {
      if (conf->kind != YNode::Kind::Map) error(conf->pos, "`conformance` is a mapping such as {skip: \"reason\"}");
      else for (auto& [k, v] : conf->pairs) {
        if (k.value != "skip") error(k.pos, "unknown key '" + k.value + "' in `conformance`" + did_you_mean(k.value, {"skip"}));
        else if (!v.is_scalar() || v.value.empty()) error(v.pos, "`skip` gives the reason the scenario cannot be compared with CPython");
      }
    }

    // Globals first, so that every body can refer to every definition.
    declare_section(root, "coroutines");
    declare_section(root, "functions");
    declare_section(root, "exceptions");
    declare_section(root, "classes");

    module_ = new_code("<module>", false, SourcePos{1, 1});
    prog_.module = module_;

    if (auto* ex = root.get("exceptions")) compile_exceptions(*ex);
    if (auto* cs = root.get("coroutines")) compile_definitions(*cs, true);
    if (auto* fs = root.get("functions")) compile_definitions(*fs, false);
    if (auto* cl = root.get("classes")) compile_classes(*cl);

    const YNode* main = root.get("main");
    if (main) {
      if (!main->is_scalar()) error(main->pos, "`main` is an expression such as `main()`, found " + std::string(main->kind_name()));
      else {
        ExprPtr e = expression(*main, "main");
        if (e) {
          current_ = module_;
          resolve_root(*e);
          prog_.main_expr = module_->own(std::move(e));
        }
      }
    } else {
      if (global_index("main") < 0) {
        if (!errors_.empty()) throw ScenarioError(std::move(errors_));  // a consequence of those errors
        error(root.pos, "no coroutine named `main` and no `main:` key", "add `coroutines: {main: [...]}` or say which coroutine to run: `main: start()`");
        throw ScenarioError(std::move(errors_));
      }
      auto call = std::make_unique<Expr>(ExprKind::Call, SourcePos{});
      auto name = std::make_unique<Expr>(ExprKind::Name, SourcePos{});
      name->name = "main";
      call->kids.push_back(std::move(name));
      current_ = module_;
      resolve_root(*call);
      prog_.main_expr = module_->own(std::move(call));
    }
    if (!errors_.empty()) throw ScenarioError(std::move(errors_));
  }

 private:
  Program& prog_;
  const SourceFile& src_;
  std::vector<Diagnostic> errors_;
  CodeObject* module_ = nullptr;
  CodeObject* current_ = nullptr;
  bool current_is_coroutine_ = true;
  std::map<std::string, int> locals_;
  std::vector<std::map<std::string, int>> comp_scopes_;
  std::vector<Construct> constructs_;
  int hidden_counter_ = 0;
  bool prelude_ = false;
  bool has_return_value_ = false;  // in the body being compiled
  CodeObject* prelude_module_ = nullptr;
  std::unordered_map<std::string, int> first_global_;          // every global, prelude included
  std::unordered_map<std::string, int> first_visible_global_;  // the scenario's own
  std::unordered_set<int> exception_globals_;                  // declared under `exceptions:`
  std::unordered_set<int> compiled_classes_;                   // classes compiled so far (bases must come first)

  // ---- diagnostics ----
  static constexpr size_t kMaxErrors = 20;
  void error(SourcePos pos, std::string msg, std::string hint = "") {
    if (errors_.size() < kMaxErrors) errors_.push_back({pos, std::move(msg), std::move(hint)});
  }
  // Past the first errors, the costly parts of a message (did-you-mean over
  // every visible name) are skipped: thousands of errors stay linear.
  bool errors_full() const { return errors_.size() >= kMaxErrors; }
  [[noreturn]] void fail(SourcePos pos, std::string msg, std::string hint = "") {
    errors_.push_back({pos, std::move(msg), std::move(hint)});
    throw ScenarioError(std::move(errors_));
  }

  std::string scalar_text(const YNode& n, const char* what) {
    if (n.kind == YNode::Kind::Null) return "";
    if (!n.is_scalar()) { error(n.pos, std::string("`") + what + "` is text, found " + n.kind_name()); return ""; }
    return n.value;
  }

  void compile_options(const YNode& opts) {
    if (opts.kind != YNode::Kind::Map) { error(opts.pos, "`options` is a mapping such as {debug: true, seed: 42}"); return; }
    for (auto& [k, v] : opts.pairs) {
      if (k.value == "debug") {
        if (!v.is_scalar() || (v.value != "true" && v.value != "false" && v.value != "True" && v.value != "False"))
          error(v.pos, "`debug` is true or false");
        else prog_.debug = v.value == "true" || v.value == "True";
      } else if (k.value == "seed") {
        try {
          size_t used = 0;
          prog_.seed = std::stoll(v.value, &used);
          prog_.has_seed = used == v.value.size();
          if (!prog_.has_seed) throw std::invalid_argument("");
        } catch (...) {
          error(v.pos, "`seed` is an integer");
        }
      } else {
        error(k.pos, "unknown option '" + k.value + "'" + did_you_mean(k.value, {"debug", "seed"}));
      }
    }
  }

  // ---- globals ----
  // Every name reference resolves here: a hash lookup, so that loading stays
  // linear in the number of definitions. The prelude sees every global (its
  // own hidden ones first); a scenario sees only its own.
  int global_index(const std::string& name) const {
    const auto& index = prelude_ ? first_global_ : first_visible_global_;
    auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
  }
  void add_global(const std::string& name, SourcePos pos) {
    int g = int(prog_.globals.size());
    prog_.globals.push_back(GlobalDef{name, pos, Value()});
    first_global_.emplace(name, g);  // emplace keeps the first
    if (!prelude_) first_visible_global_.emplace(name, g);
  }
  int visible_builtin(const std::string& name) const {
    if (name[0] == '_' && !prelude_) return -1;  // corun's private helpers
    return builtin_index(name);
  }

  void declare_section(const YNode& root, const char* section) {
    const YNode* s = root.get(section);
    if (!s || s->kind == YNode::Kind::Null) return;
    if (s->kind != YNode::Kind::Map) { error(s->pos, std::string("`") + section + "` is a mapping of name to definition"); return; }
    for (auto& [k, v] : s->pairs) {
      if (!valid_identifier(k.value)) { error(k.pos, "'" + k.value + "' is not a valid Python name"); continue; }
      int prev = global_index(k.value);
      if (prev >= 0) {
        // Report at the later of the two definitions, whatever the section order.
        SourcePos first = prog_.globals[size_t(prev)].pos, second = k.pos;
        if (second.line < first.line) std::swap(first, second);
        error(second, "'" + k.value + "' is defined twice (first at line " + std::to_string(first.line) + ")");
        continue;
      }
      if (builtin_index(k.value) >= 0 && std::string(section) != "exceptions")
        error(k.pos, "'" + k.value + "' would hide the builtin of the same name; choose another name");
      if (std::string_view(section) == "exceptions") exception_globals_.insert(int(prog_.globals.size()));
      add_global(k.value, k.pos);
    }
  }

  static bool valid_identifier(const std::string& s) {
    if (s.empty() || !(std::isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
    for (char c : s) if (!(std::isalnum((unsigned char)c) || c == '_')) return false;
    return true;
  }

  CodeObject* new_code(const std::string& name, bool is_coroutine, SourcePos pos) {
    prog_.codes.push_back(std::make_unique<CodeObject>());
    CodeObject* c = prog_.codes.back().get();
    c->name = name;
    c->qualname = name;
    c->is_coroutine = is_coroutine;
    c->def_line = pos.line;
    c->internal = prelude_;
    return c;
  }

  void compile_exceptions(const YNode& section) {
    if (section.kind != YNode::Kind::Map) return;
    for (auto& [k, v] : section.pairs) {
      int g = global_index(k.value);
      if (g < 0) continue;
      std::string base = "Exception";
      if (v.is_scalar()) base = v.value;
      else if (v.kind != YNode::Kind::Null) { error(v.pos, "an exception is defined by its base class name, e.g. `MyError: ValueError`"); continue; }
      int gb = global_index(base);
      int bb = builtin_index(base);
      bool ok = (gb >= 0 && gb < g && exception_globals_.count(gb)) ||
                (bb >= 0 && base != "asyncio" && base != "time" && base != "random" && base != "contextlib" && std::isupper((unsigned char)base[0]));
      if (!ok) {
        std::vector<std::string> cands = user_builtin_names();
        error(v.pos, "unknown exception base class '" + base + "'" + did_you_mean(base, cands),
              gb >= 0 ? "define the base exception before the classes derived from it" : "");
        continue;
      }
      prog_.exception_defs.push_back(Program::ExceptionDef{g, base, v.pos});
    }
  }

  void compile_definitions(const YNode& section, bool coroutine) {
    if (section.kind != YNode::Kind::Map) return;
    for (auto& [k, v] : section.pairs) {
      int g = global_index(k.value);
      if (g < 0) continue;
      CodeObject* code = compile_body(k.value, v, coroutine, k.pos, false);
      if (code) prog_.functions.push_back(Program::FunctionDef{g, code});
    }
  }

  void compile_classes(const YNode& section) {
    if (section.kind != YNode::Kind::Map) return;
    for (auto& [k, v] : section.pairs) {
      int g = global_index(k.value);
      if (g < 0) continue;
      Program::ClassDef def{g, "", {}, {}};
      if (v.kind != YNode::Kind::Map) { error(v.pos, "a class is a mapping with `fields` and `methods`"); continue; }
      for (auto& [ck, cv] : v.pairs) {
        if (ck.value == "fields") {
          if (cv.kind != YNode::Kind::Map) { error(cv.pos, "`fields` maps a field name to its initial value"); continue; }
          for (auto& [fk, fv] : cv.pairs) {
            ExprPtr e = value_expr(fv);
            if (!e) continue;
            current_ = module_;
            resolve_root(*e);
            def.fields.emplace_back(fk.value, module_->own(std::move(e)));
          }
        } else if (ck.value == "methods") {
          if (cv.kind != YNode::Kind::Map) { error(cv.pos, "`methods` maps a method name to its definition"); continue; }
          for (auto& [mk, mv] : cv.pairs) {
            bool sync = false;
            if (mv.kind == YNode::Kind::Map) if (auto* s = mv.get("sync")) sync = s->value == "true";
            bool coroutine = !sync && mk.value != "__init__";
            CodeObject* code = compile_body(k.value + "." + mk.value, mv, coroutine, mk.pos, true);
            if (code) {
              code->name = mk.value;
              code->qualname = k.value + "." + mk.value;
              def.methods.emplace_back(mk.value, code);
            }
          }
        } else if (ck.value == "base") {
          def.base = cv.value;
          int gb = global_index(def.base);
          if (gb < 0 || !compiled_classes_.count(gb))
            error(cv.pos, "unknown base class '" + def.base + "'", "a base class is a class defined earlier under `classes:`");
        } else {
          error(ck.pos, "unknown key '" + ck.value + "' in a class" + did_you_mean(ck.value, {"base", "fields", "methods"}));
        }
      }
      compiled_classes_.insert(def.global);
      prog_.class_defs.push_back(std::move(def));
    }
  }

  // ---- one coroutine or function ----
  CodeObject* compile_body(const std::string& name, const YNode& def, bool coroutine, SourcePos pos, bool method) {
    CodeObject* code = new_code(name, coroutine, pos);
    current_ = code;
    current_is_coroutine_ = coroutine;
    locals_.clear();
    comp_scopes_.clear();
    constructs_.clear();
    has_return_value_ = false;
    const YNode* steps = nullptr;
    const YNode* params = nullptr;
    if (def.kind == YNode::Kind::Seq) steps = &def;
    else if (def.kind == YNode::Kind::Map) {
      for (auto& [k, v] : def.pairs) {
        if (k.value == "steps") steps = &v;
        else if (k.value == "params") params = &v;
        else if (k.value == "sync" && method) {}
        else if (k.value == "decorators") compile_decorators(v, *code);
        else error(k.pos, "unknown key '" + k.value + "' in the definition of '" + name + "'" + did_you_mean(k.value, {"params", "steps", "decorators"}));
      }
      if (!steps) error(def.pos, "'" + name + "' has no `steps`");
    } else if (def.kind == YNode::Kind::Null) {
      steps = nullptr;
    } else {
      error(def.pos, "a definition is a list of steps, or a mapping with `params` and `steps`");
      return nullptr;
    }
    if (method && !(params && params->kind == YNode::Kind::Seq && !params->items.empty() &&
                    params->items[0].is_scalar() && params->items[0].value == "self")) {
      // `self` is implicit in a method's params (writing it is allowed too).
      locals_["self"] = 0;
      code->slot_names.push_back("self");
      code->params.push_back("self");
      code->param_defaults.push_back(nullptr);
    }
    if (params) compile_params(*params, *code);
    if (steps) compile_steps(*steps);
    // Falling off the end returns None.
    emit(Instr{Op::Return}, def.pos.line ? last_line(code) : 0);
    // Resolve every expression now that all locals are known.
    for (auto& e : code->exprs) resolve_root_owned(*e);
    return code;
  }

  // decorators: [EXPR, ...] -- Python's @EXPR lines, outermost first: each
  // an expression evaluated in module scope when the definition is made.
  void compile_decorators(const YNode& list, CodeObject& code) {
    if (list.kind != YNode::Kind::Seq || list.items.empty()) {
      error(list.pos, "`decorators` is a list of expressions, outermost first: decorators: [contextlib.asynccontextmanager]",
            "Python: @EXPR lines above the def, one per decorator");
      return;
    }
    for (auto& d : list.items) {
      if (!d.is_scalar()) { error(d.pos, "a decorator is an expression such as `contextlib.contextmanager`"); continue; }
      ExprPtr e = expression(d, "decorator");
      if (!e) continue;
      CodeObject* saved = current_;
      current_ = module_;
      resolve_root(*e);
      current_ = saved;
      code.decorators.push_back(module_->own(std::move(e)));
    }
  }

  static int last_line(CodeObject* c) { return c->code.empty() ? c->def_line : c->code.back().line; }

  void compile_params(const YNode& params, CodeObject& code) {
    if (params.kind != YNode::Kind::Seq) { error(params.pos, "`params` is a list: [name, {delay: 1}]"); return; }
    bool seen_default = false;
    for (auto& p : params.items) {
      std::string name;
      const Expr* dflt = nullptr;
      if (p.is_scalar()) {
        name = p.value;
        if (seen_default) error(p.pos, "non-default parameter '" + name + "' follows a parameter with a default");
      } else if (p.kind == YNode::Kind::Map && p.pairs.size() == 1) {
        name = p.pairs[0].first.value;
        ExprPtr e = value_expr(p.pairs[0].second);
        if (e) {
          CodeObject* saved = current_;
          current_ = module_;
          resolve_root(*e);
          current_ = saved;
          dflt = module_->own(std::move(e));
        }
        seen_default = true;
      } else {
        error(p.pos, "a parameter is a name, or a one-key mapping name: default");
        continue;
      }
      bool varargs = !name.empty() && name[0] == '*';
      if (varargs) {
        name = name.substr(1);
        if (code.varargs_slot >= 0) { error(p.pos, "only one *args parameter is allowed"); continue; }
      } else if (code.varargs_slot >= 0) {
        error(p.pos, "parameters after *" + code.slot_names[size_t(code.varargs_slot)] + " are not supported");
        continue;
      }
      if (!valid_identifier(name)) { error(p.pos, "'" + name + "' is not a valid parameter name"); continue; }
      if (varargs) {
        locals_[name] = int(code.slot_names.size());
        code.varargs_slot = int(code.slot_names.size());
        code.slot_names.push_back(name);
        continue;
      }
      if (locals_.count(name)) { error(p.pos, "duplicate parameter '" + name + "'"); continue; }
      locals_[name] = int(code.slot_names.size());
      code.slot_names.push_back(name);
      code.params.push_back(name);
      code.param_defaults.push_back(dflt);
    }
  }

  int declare_local(const std::string& name) {
    auto it = locals_.find(name);
    if (it != locals_.end()) return it->second;
    int slot = int(current_->slot_names.size());
    current_->slot_names.push_back(name);
    locals_[name] = slot;
    return slot;
  }

  int hidden_slot(const char* what) {
    int slot = int(current_->slot_names.size());
    current_->slot_names.push_back(std::string("<") + what + std::to_string(++hidden_counter_) + ">");
    return slot;
  }

  // A return, break or continue that leaves try/finally blocks repeats
  // their finally steps (as CPython's compiler does); nested ones multiply,
  // so a small file can ask for billions of instructions. Bounded here.
  static constexpr size_t kMaxInstructions = 1'000'000;
  size_t instructions_ = 0;

  size_t emit(Instr ins, int line) {
    if (++instructions_ > kMaxInstructions)
      fail(SourcePos{line, 0}, "the scenario compiles to more than " + std::to_string(kMaxInstructions) + " instructions",
           "every return, break or continue inside try/finally repeats the finally steps it leaves; "
           "nested ones multiply: move the steps out of the finally blocks");
    ins.line = line;
    current_->code.push_back(ins);
    return current_->code.size() - 1;
  }
  int here() const { return int(current_->code.size()); }

  // ---- expressions from YAML values ----
  ExprPtr parse_guarded(const std::function<ExprPtr()>& f, SourcePos pos, const std::string& raw, bool plain,
                        char in_flow = 0) {
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

  static SourcePos content_pos(const YNode& n) {
    SourcePos p = n.pos;
    if (n.is_quoted() || n.quoted) p.col += 1;  // the text starts after the quote
    return p;
  }

  ExprPtr expression(const YNode& n, const char* what) {
    if (n.kind == YNode::Kind::Null) { error(n.pos, std::string("`") + what + "` needs a value"); return nullptr; }
    if (!n.is_scalar()) { error(n.pos, std::string("`") + what + "` is an expression, found " + n.kind_name()); return nullptr; }
    return value_expr(n);
  }

  ExprPtr value_expr(const YNode& n) {
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
          return parse_guarded([&] { return parse_expression(n.value, content_pos(n)); }, n.pos, n.value, n.is_plain(),
                               n.in_flow);
        }
        error(n.pos, "unknown tag '" + n.tag + "'", "the one tag corun knows is !expr");
        return nullptr;
      }
      case YNode::Kind::Seq: {
        auto l = std::make_unique<Expr>(ExprKind::List, n.pos);
        for (auto& item : n.items) {
          ExprPtr e = value_expr(item);
          if (!e) return nullptr;
          l->kids.push_back(std::move(e));
        }
        return l;
      }
      case YNode::Kind::Map: {
        auto d = std::make_unique<Expr>(ExprKind::Dict, n.pos);
        for (auto& [k, v] : n.pairs) {
          auto key = std::make_unique<Expr>(ExprKind::Const, k.pos);
          key->value = make_str(k.value);
          ExprPtr e = value_expr(v);
          if (!e) return nullptr;
          d->kids.push_back(std::move(key));
          d->kwargs.push_back(std::move(e));
        }
        return d;
      }
    }
    return nullptr;
  }

  ExprPtr template_expr(const YNode& n) {
    return parse_guarded([&] { return parse_template(n.value, content_pos(n)); }, n.pos, n.value, false);
  }

  // print: a template, quoted or not -- unless tagged !expr, which always
  // means an expression (its value is printed, as print(EXPR)).
  ExprPtr print_template(const YNode& n) {
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

  const Expr* own(ExprPtr e) { return e ? current_->own(std::move(e)) : nullptr; }

  const Expr* target(const YNode& n) {
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

  void declare_target_names(Expr& t) {
    if (t.kind == ExprKind::Name) declare_local(t.name);
    else if (t.kind == ExprKind::Tuple || t.kind == ExprKind::List || t.kind == ExprKind::Starred)
      for (auto& k : t.kids) declare_target_names(*k);
  }

  // ---- name resolution ----
  void resolve_root(Expr& e) {
    root_ = &e;
    resolve(e);
  }
  void resolve_root_owned(Expr& e) {
    if (e.scope != Scope::Unresolved && e.kind == ExprKind::Name) return;
    resolve_root(e);
  }
  const Expr* root_ = nullptr;  // the expression being resolved, for hints
  std::set<const Expr*> exception_types_;

  std::vector<std::string> visible_names() {
    std::vector<std::string> names;
    for (auto& [k, v] : locals_) names.push_back(k);
    for (auto& g : prog_.globals) if (prelude_ || !g.hidden) names.push_back(g.name);
    for (auto& b : user_builtin_names()) names.push_back(b);
    return names;
  }
  // Builtins a scenario may name: never corun's private `_helpers`.
  std::vector<std::string> user_builtin_names() const {
    std::vector<std::string> names;
    for (auto& b : builtin_names()) if (prelude_ || b[0] != '_') names.push_back(b);
    return names;
  }

  void resolve(Expr& e) {
    switch (e.kind) {
      case ExprKind::Name: {
        if (e.scope != Scope::Unresolved) return;
        for (auto it = comp_scopes_.rbegin(); it != comp_scopes_.rend(); ++it) {
          auto f = it->find(e.name);
          if (f != it->end()) { e.scope = Scope::Local; e.slot = f->second; return; }
        }
        if (current_ != module_) {
          auto f = locals_.find(e.name);
          if (f != locals_.end()) { e.scope = Scope::Local; e.slot = f->second; return; }
        }
        int g = global_index(e.name);
        if (g >= 0) { e.scope = Scope::Global; e.slot = g; return; }
        int b = visible_builtin(e.name);
        if (b >= 0) { e.scope = Scope::Builtin; e.slot = b; return; }
        if (errors_full()) return;
        std::string hint;
        if (e.name == "null" || e.name == "none" || e.name == "true" || e.name == "false")
          hint = "inside an expression write Python's None, True, False";
        else if (exception_types_.count(root_))
          hint = "exception classes are Python's builtins or defined under `exceptions:`";
        else if (current_ == module_)
          hint = "only definitions (coroutines, functions, exceptions, classes) and builtins are visible here";
        else if (root_ == &e)
          hint = "a plain YAML scalar is a Python expression; to write the string, quote it: \"" + e.name + "\"";
        error(e.pos, "undefined name '" + e.name + "'" + did_you_mean(e.name, visible_names()), hint);
        return;
      }
      case ExprKind::Comp: {
        // Each `for` clause binds names visible to later clauses and the element.
        comp_scopes_.emplace_back();
        for (auto& c : e.clauses) {
          resolve(*c.iter);
          bind_comp_target(*c.target);
          for (auto& cond : c.conds) resolve(*cond);
        }
        for (auto& k : e.kids) resolve(*k);
        comp_scopes_.pop_back();
        return;
      }
      case ExprKind::FString:
        for (auto& p : e.parts) {
          if (p.expr) resolve(*p.expr);
          if (p.format_spec) resolve(*p.format_spec);
        }
        return;
      default:
        for (auto& k : e.kids) if (k) resolve(*k);
        for (auto& k : e.kwargs) if (k) resolve(*k);
        return;
    }
  }

  void bind_comp_target(Expr& t) {
    if (t.kind == ExprKind::Name) {
      int slot = int(current_->slot_names.size());
      current_->slot_names.push_back("<comp " + t.name + ">");
      comp_scopes_.back()[t.name] = slot;
      t.scope = Scope::Local;
      t.slot = slot;
      return;
    }
    if (t.kind == ExprKind::Tuple || t.kind == ExprKind::List) {
      for (auto& k : t.kids) bind_comp_target(*k);
      return;
    }
    resolve(t);
  }

  // ---- steps ----
  void compile_steps(const YNode& steps) {
    if (steps.kind == YNode::Kind::Null) return;
    if (steps.kind != YNode::Kind::Seq) {
      error(steps.pos, "expected a list of steps (each item starts with '- '), found " + std::string(steps.kind_name()));
      return;
    }
    for (auto& s : steps.items) compile_step(s);
  }

  void compile_step(const YNode& step) {
    int line = step.pos.line;
    if (step.is_scalar()) {
      const std::string& w = step.value;
      if (w == "pass") return;
      if (w == "break" || w == "continue") { compile_break_continue(w == "break", step.pos); return; }
      if (w == "raise") { emit(Instr{Op::Reraise}, line); return; }
      if (w == "return") { compile_return(nullptr, line); return; }
      if (w == "yield") {
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
      std::vector<std::string> cands = kBareWords;
      cands.insert(cands.end(), kVerbs.begin(), kVerbs.end());
      std::string dym = did_you_mean(w, cands);
      error(step.pos, "'" + w + "' is not a step" + dym,
            std::find(kVerbs.begin(), kVerbs.end(), w) != kVerbs.end()
                ? "write it as a mapping: - " + w + ": ..."
                : "a step is a mapping such as `- print: \"...\"`; the bare words are pass, break, continue, raise, return, yield");
      return;
    }
    if (step.kind != YNode::Kind::Map || step.pairs.empty()) {
      error(step.pos, "a step is a mapping with one verb such as `print:` or `sleep:`, found " + std::string(step.kind_name()));
      return;
    }
    // Find the verb: the key that is one, where the other keys are its
    // modifiers (`timeout` is a verb, and also a modifier of `wait_for`).
    std::string verb;
    const YNode* arg = nullptr;
    SourcePos verb_pos;
    std::vector<const YPair*> verb_keys;
    for (auto& kv : step.pairs)
      if (std::find(kVerbs.begin(), kVerbs.end(), kv.first.value) != kVerbs.end()) verb_keys.push_back(&kv);
    for (auto* kv : verb_keys) {
      std::vector<std::string> mods = modifiers(kv->first.value);
      bool others_fit = true;
      for (auto* other : verb_keys)
        if (other != kv && std::find(mods.begin(), mods.end(), other->first.value) == mods.end()) others_fit = false;
      if (others_fit) { verb = kv->first.value; arg = &kv->second; verb_pos = kv->first.pos; break; }
    }
    if (verb.empty() && verb_keys.size() > 1) {
      error(step.pairs[0].first.pos, "a step has one verb, found both '" + verb_keys[0]->first.value + "' and '" +
                                         verb_keys[1]->first.value + "'", "split it into two steps");
      return;
    }
    if (verb.empty()) {
      const YNode& k = step.pairs[0].first;
      error(k.pos, "unknown step '" + k.value + "'" + did_you_mean(k.value, kVerbs));
      return;
    }
    std::vector<std::string> allowed = modifiers(verb);
    for (auto& [k, v] : step.pairs) {
      if (k.value == verb) continue;
      if (std::find(allowed.begin(), allowed.end(), k.value) == allowed.end()) {
        std::string msg = "unknown key '" + k.value + "' in a `" + verb + "` step";
        std::string dym = did_you_mean(k.value, allowed);
        error(k.pos, msg + (dym.empty() ? (allowed.empty() ? "; it takes no other keys" : "; it takes " + join(allowed)) : dym));
        return;
      }
    }
    if (kLaterVerbs.count(verb) || (!current_is_coroutine_ && kAwaitingVerbs.count(verb))) {
      if (auto* as_node = step.get("as")) target(*as_node);  // declare it anyway: no follow-on errors
    }
    if (kLaterVerbs.count(verb)) {
      error(verb_pos, "the `" + verb + "` step is not supported by this version of corun yet");
      return;
    }
    if (!current_is_coroutine_ && kAwaitingVerbs.count(verb)) {
      error(verb_pos, "`" + verb + "` awaits, and a plain function cannot await",
            "Python: SyntaxError: 'await' outside async function; make it a coroutine under `coroutines:`");
      return;
    }
    const YNode* as = step.get("as");
    if (verb == "print") {
      Instr ins{Op::Print};
      ins.e = own(print_template(*arg));
      if (ins.e) emit(ins, line);
    } else if (verb == "sleep" || verb == "block") {
      Instr ins{verb == "sleep" ? Op::Sleep : Op::Block};
      ins.e = own(expression(*arg, verb.c_str()));
      // sleep: 0 (the yield of the yield storm) needs no evaluation.
      if (ins.e && ins.op == Op::Sleep && ins.e->kind == ExprKind::Const &&
          ((ins.e->value.is_int() && ins.e->value.as_int() == 0) || (ins.e->value.is_float() && ins.e->value.as_float() == 0.0)))
        ins.a = 1;
      if (ins.e) emit(ins, line);
    } else if (verb == "await" || verb == "call") {
      Instr ins{verb == "await" ? Op::Await : Op::Eval};
      ins.e = own(expression(*arg, verb.c_str()));
      if (as) ins.target = target(*as);
      if (ins.e) emit(ins, line);
    } else if (verb == "set") {
      if (arg->kind != YNode::Kind::Map || arg->pairs.empty()) {
        error(arg->pos, "`set` takes a mapping of name to value: set: {count: 0}");
        return;
      }
      for (auto& [k, v] : arg->pairs) {
        Instr ins{Op::Assign};
        ins.e = own(value_expr(v));
        ins.target = target(k);
        if (ins.e && ins.target) emit(ins, k.pos.line);
      }
    } else if (verb == "task") {
      Instr ins{Op::CreateTask};
      ins.e = own(expression(*arg, "task"));
      if (auto* n = step.get("name")) ins.e2 = own(value_expr(*n));
      if (as) ins.target = target(*as);
      if (auto* g = step.get("group")) {
        // GROUP.create_task(EXPR, name=...)
        ExprPtr group = expression(*g, "group");
        if (!group || !ins.e) return;
        std::vector<ExprPtr> args;
        args.push_back(take_owned(ins.e));
        std::vector<std::pair<std::string, ExprPtr>> kwargs;
        if (ins.e2) kwargs.emplace_back("name", take_owned(ins.e2));
        Instr call{Op::Eval};
        call.e = own(method_call(std::move(group), "create_task", std::move(args), std::move(kwargs), line));
        call.target = ins.target;
        emit(call, line);
        return;
      }
      if (ins.e) emit(ins, line);
    } else if (verb == "gather") {
      Instr ins{Op::Gather};
      if (arg->kind == YNode::Kind::Seq) {
        ins.e = own(value_expr(*arg));
      } else {
        ins.e = own(expression(*arg, "gather"));
        ins.a = 1;
      }
      if (auto* r = step.get("return_exceptions")) ins.e2 = own(value_expr(*r));
      if (as) ins.target = target(*as);
      if (ins.e) emit(ins, line);
    } else if (verb == "cancel") {
      Instr ins{Op::Cancel};
      ins.e = own(expression(*arg, "cancel"));
      if (auto* m = step.get("msg")) ins.e2 = own(value_expr(*m));
      if (as) ins.target = target(*as);
      if (ins.e) emit(ins, line);
    } else if (verb == "raise") {
      if (arg->kind == YNode::Kind::Null) { emit(Instr{Op::Reraise}, line); return; }
      Instr ins{Op::Raise};
      ins.e = own(expression(*arg, "raise"));
      if (auto* f = step.get("from")) ins.e2 = own(value_expr(*f));
      if (ins.e) emit(ins, line);
    } else if (verb == "return") {
      compile_return(arg->kind == YNode::Kind::Null ? nullptr : arg, line);
    } else if (verb == "if") {
      compile_if(step, *arg, line);
    } else if (verb == "while") {
      compile_while(step, *arg, line);
    } else if (verb == "for") {
      compile_for(step, *arg, line);
    } else if (verb == "try") {
      compile_try(step, line);
    } else if (verb == "async_with") {
      compile_async_with(step, *arg, line);
    } else if (verb == "yield") {
      // In a coroutine: an async generator; in a plain function: a generator.
      if (current_is_coroutine_) {
        if (has_return_value_) error(verb_pos, "an async generator cannot also return a value", "Python: SyntaxError: 'return' with value in async generator");
        current_->is_async_gen = true;
      } else {
        current_->is_generator = true;
      }
      Instr y{Op::Yield};
      y.e = arg->kind == YNode::Kind::Null ? nullptr : own(value_expr(*arg));
      if (as) y.target = target(*as);  // x = yield v: what send() / asend() passes in
      emit(y, line);
    } else if (verb == "async_for") {
      compile_async_for(step, *arg, line);
    } else if (verb == "timeout") {
      // async with asyncio.timeout(EXPR): ...
      ExprPtr delay = expression(*arg, "timeout");
      if (!delay) return;
      std::vector<ExprPtr> args;
      args.push_back(std::move(delay));
      compile_async_with_expr(step, asyncio_call("timeout", std::move(args), {}, line), step.get("as"), line);
    } else if (verb == "task_group") {
      // async with asyncio.TaskGroup() as NAME: ...
      compile_async_with_expr(step, asyncio_call("TaskGroup", {}, {}, line), arg, line);
    } else if (verb == "wait_for") {
      // TARGET = await asyncio.wait_for(EXPR, timeout)
      const YNode* t = step.get("timeout");
      if (!t) { error(step.pos, "a `wait_for` step needs `timeout:` (None waits forever)"); return; }
      std::vector<ExprPtr> args;
      ExprPtr aw = expression(*arg, "wait_for");
      ExprPtr to = value_expr(*t);
      if (!aw || !to) return;
      args.push_back(std::move(aw));
      args.push_back(std::move(to));
      Instr ins{Op::Await};
      ins.e = own(asyncio_call("wait_for", std::move(args), {}, line));
      if (as) ins.target = target(*as);
      emit(ins, line);
    } else if (verb == "wait") {
      // done, pending = await asyncio.wait(AWS, timeout=..., return_when=...)
      ExprPtr aws = arg->kind == YNode::Kind::Seq ? value_expr(*arg) : expression(*arg, "wait");
      if (!aws) return;
      std::vector<ExprPtr> args;
      args.push_back(std::move(aws));
      std::vector<std::pair<std::string, ExprPtr>> kwargs;
      if (auto* t = step.get("timeout")) if (auto e = value_expr(*t)) kwargs.emplace_back("timeout", std::move(e));
      if (auto* r = step.get("return_when")) if (auto e = value_expr(*r)) kwargs.emplace_back("return_when", std::move(e));
      Instr ins{Op::Await};
      ins.e = own(asyncio_call("wait", std::move(args), std::move(kwargs), line));
      if (as) ins.target = target(*as);
      emit(ins, line);
    } else if (verb == "pass") {
    } else if (verb == "break" || verb == "continue") {
      compile_break_continue(verb == "break", verb_pos);
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::string("`") + v[i] + "`";
    return s;
  }

  void compile_if(const YNode& step, const YNode& cond, int line) {
    Instr test{Op::JumpIfFalse};
    test.e = own(expression(cond, "if"));
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

  void compile_while(const YNode& step, const YNode& cond, int line) {
    const YNode* body = step.get("steps");
    if (!body) { error(step.pos, "a `while` step needs `steps:`"); return; }
    int top = here();
    Instr test{Op::JumpIfFalse};
    test.e = own(expression(cond, "while"));
    size_t jf = emit(test, line);
    constructs_.push_back(Construct{Construct::Loop, top});
    compile_steps(*body);
    emit(Instr{Op::Jump, top}, line);
    Construct loop = std::move(constructs_.back());
    constructs_.pop_back();
    current_->code[jf].a = here();
    for (size_t j : loop.break_jumps) current_->code[j].a = here();
  }

  // async for TARGET in EXPR: BODY -- awaits __anext__() until it raises
  // StopAsyncIteration (which only that await is protected against).
  void compile_async_for(const YNode& step, const YNode& tgt, int line) {
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

  void compile_for(const YNode& step, const YNode& tgt, int line) {
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

  bool inside_star_handler(SourcePos pos, const char* what) {
    for (auto& c : constructs_)
      if (c.kind == Construct::StarHandler) {
        error(pos, std::string("'") + what + "' cannot appear in an `except_star` handler",
              "Python: SyntaxError: 'break', 'continue' and 'return' cannot appear in an except* block");
        return true;
      }
    return false;
  }

  void compile_break_continue(bool is_break, SourcePos pos) {
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

  void compile_return(const YNode* value, int line) {
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

  // Leaves every construct above `depth`, innermost first.
  void emit_unwind(size_t depth, int line) {
    for (size_t i = constructs_.size(); i > depth; --i) {
      Construct& c = constructs_[i - 1];
      switch (c.kind) {
        case Construct::Loop: break;
        case Construct::TryExcept: emit(Instr{Op::PopBlock}, line); break;
        case Construct::Handler:
          emit(Instr{Op::PopExc}, line);
          if (c.as_slot >= 0) emit(Instr{Op::Clear, c.as_slot}, line);
          break;
        case Construct::FinallyExc: emit(Instr{Op::PopExc}, line); break;
        case Construct::StarHandler: break;  // rejected before unwinding
        case Construct::AsyncWith: {
          emit(Instr{Op::PopBlock}, line);
          Instr exit{Op::Await};
          exit.e = own(aexit_call(c.mgr_slot, -1, line));
          emit(exit, line);
          break;
        }
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

  ExprPtr local_ref(int slot, int line) {
    auto e = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
    e->scope = Scope::Local;
    e->slot = slot;
    return e;
  }

  // mgr.__aexit__(None, None, None), or (type(exc), exc, None) with exc in exc_slot.
  ExprPtr aexit_call(int mgr_slot, int exc_slot, int line) {
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

  // An expression the instructions own, taken back to build a bigger one.
  ExprPtr take_owned(const Expr* e) {
    // The expression was owned moments ago: search from the newest.
    for (auto it = current_->exprs.rbegin(); it != current_->exprs.rend(); ++it)
      if (auto& owned = *it; owned.get() == e) {
        ExprPtr out = std::move(owned);
        owned = std::make_unique<Expr>(ExprKind::Const, SourcePos{});
        return out;
      }
    return nullptr;
  }

  ExprPtr method_call(ExprPtr obj, const char* method, std::vector<ExprPtr> args,
                      std::vector<std::pair<std::string, ExprPtr>> kwargs, int line) {
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

  // asyncio.NAME(args...), with `asyncio` bound to the builtin module.
  ExprPtr asyncio_call(const char* name, std::vector<ExprPtr> args, std::vector<std::pair<std::string, ExprPtr>> kwargs,
                       int line) {
    auto mod = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
    mod->name = "asyncio";
    mod->scope = Scope::Builtin;
    mod->slot = builtin_index("asyncio");
    return method_call(std::move(mod), name, std::move(args), std::move(kwargs), line);
  }

  void compile_async_with(const YNode& step, const YNode& mgr, int line) {
    compile_async_with_expr(step, expression(mgr, "async_with"), step.get("as"), line);
  }

  // async with MGR as TARGET: BODY, as Python 3.11 compiles it: the body's
  // exception goes to __aexit__, whose true result suppresses it.
  void compile_async_with_expr(const YNode& step, ExprPtr mgr_expr, const YNode* as, int line) {
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
    Construct c{Construct::AsyncWith};
    c.mgr_slot = mgr_slot;
    constructs_.push_back(c);
    compile_steps(*body);
    constructs_.pop_back();
    emit(Instr{Op::PopBlock}, line);
    Instr exit_ok{Op::Await};
    exit_ok.e = own(aexit_call(mgr_slot, -1, line));
    emit(exit_ok, line);
    size_t jend = emit(Instr{Op::Jump}, line);
    current_->code[setup].a = here();
    int exc_slot = hidden_slot("exc");
    int ok_slot = hidden_slot("suppress");
    Instr bind{Op::Match};
    bind.target = own(local_ref(exc_slot, line));
    emit(bind, line);
    Instr exit_exc{Op::Await};
    exit_exc.e = own(aexit_call(mgr_slot, exc_slot, line));
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

  void compile_try(const YNode& step, int line) {
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

  ExprPtr none_test(int slot, CmpOp op, int line) {
    auto cmp = std::make_unique<Expr>(ExprKind::Compare, SourcePos{line, 0});
    cmp->kids.push_back(local_ref(slot, line));
    cmp->kids.push_back(std::make_unique<Expr>(ExprKind::Const, SourcePos{line, 0}));
    cmp->cmpops.push_back(op);
    return cmp;
  }

  ExprPtr helper_call(const char* name, std::vector<ExprPtr> args, int line) {
    auto call = std::make_unique<Expr>(ExprKind::Call, SourcePos{line, 0});
    auto fn = std::make_unique<Expr>(ExprKind::Name, SourcePos{line, 0});
    fn->name = name;
    fn->scope = Scope::Builtin;
    fn->slot = builtin_index(name);
    call->kids.push_back(std::move(fn));
    for (auto& a : args) call->kids.push_back(std::move(a));
    return call;
  }

  // except*: each handler takes the part of the (remaining) exception group
  // that matches its types, as ExceptionGroup.split does; what no handler
  // takes is re-raised -- the original exception itself when nothing matched.
  void compile_star_handlers(const YNode& handlers, std::vector<size_t>& to_after, int line) {
    if (handlers.kind != YNode::Kind::Seq) { error(handlers.pos, "`except_star` is a list of handlers: [{type: ValueError, as: eg, steps: [...]}]"); return; }
    int exc_slot = hidden_slot("exc");
    int rest_slot = hidden_slot("rest");
    int match_slot = hidden_slot("match");
    Instr bind{Op::Match};
    bind.target = own(local_ref(exc_slot, line));
    emit(bind, line);
    Instr init{Op::Assign};
    init.e = own(local_ref(exc_slot, line));
    init.target = own(local_ref(rest_slot, line));
    emit(init, line);
    for (auto& h : handlers.items) {
      if (h.kind != YNode::Kind::Map) { error(h.pos, "a handler is a mapping: {type: ValueError, as: eg, steps: [...]}"); continue; }
      for (auto& [k, v] : h.pairs)
        if (k.value != "type" && k.value != "as" && k.value != "steps")
          error(k.pos, "unknown key '" + k.value + "' in an `except_star` handler" + did_you_mean(k.value, {"type", "as", "steps"}));
      const YNode* type = h.get("type");
      if (!type) { error(h.pos, "an `except_star` handler needs `type`", "Python: SyntaxError: expected one or more exception types"); continue; }
      ExprPtr types = handler_types(*type);
      if (!types) continue;
      // match, rest = _eg_split(rest, TYPES)   (skipped once rest is None)
      Instr have_rest{Op::JumpIfFalse};
      have_rest.e = own(none_test(rest_slot, CmpOp::IsNot, h.pos.line));
      size_t j_skip_all = emit(have_rest, h.pos.line);
      std::vector<ExprPtr> args;
      args.push_back(local_ref(rest_slot, h.pos.line));
      args.push_back(std::move(types));
      Instr split{Op::Assign};
      split.e = own(helper_call("_eg_split", std::move(args), h.pos.line));
      auto pair = std::make_unique<Expr>(ExprKind::Tuple, SourcePos{h.pos.line, 0});
      pair->kids.push_back(local_ref(match_slot, h.pos.line));
      pair->kids.push_back(local_ref(rest_slot, h.pos.line));
      split.target = own(std::move(pair));
      emit(split, h.pos.line);
      Instr matched{Op::JumpIfFalse};
      matched.e = own(none_test(match_slot, CmpOp::IsNot, h.pos.line));
      size_t j_next = emit(matched, h.pos.line);
      int as_slot = -1;
      if (const YNode* as = h.get("as")) {
        Instr bind_as{Op::Assign};
        bind_as.e = own(local_ref(match_slot, h.pos.line));
        bind_as.target = target(*as);
        if (bind_as.target && bind_as.target->kind == ExprKind::Name) as_slot = locals_[bind_as.target->name];
        if (bind_as.target) emit(bind_as, h.pos.line);
      }
      Construct c{Construct::StarHandler};
      c.as_slot = as_slot;
      constructs_.push_back(c);
      if (const YNode* steps = h.get("steps")) compile_steps(*steps);
      constructs_.pop_back();
      if (as_slot >= 0) emit(Instr{Op::Clear, as_slot}, line);
      current_->code[j_next].a = here();
      current_->code[j_skip_all].a = here();
    }
    // Whatever is left propagates: the original exception if nothing matched.
    Instr any_left{Op::JumpIfFalse};
    any_left.e = own(none_test(rest_slot, CmpOp::IsNot, line));
    size_t j_done = emit(any_left, line);
    auto same = std::make_unique<Expr>(ExprKind::Compare, SourcePos{line, 0});
    same->kids.push_back(local_ref(rest_slot, line));
    same->kids.push_back(local_ref(exc_slot, line));
    same->cmpops.push_back(CmpOp::Is);
    Instr untouched{Op::JumpIfFalse};
    untouched.e = own(std::move(same));
    size_t j_partial = emit(untouched, line);
    emit(Instr{Op::Clear, exc_slot}, line);
    emit(Instr{Op::Reraise}, line);
    current_->code[j_partial].a = here();
    Instr raise_rest{Op::Raise};
    raise_rest.e = own(local_ref(rest_slot, line));
    emit(raise_rest, line);
    current_->code[j_done].a = here();
    emit(Instr{Op::PopExc}, line);
    emit(Instr{Op::Clear, exc_slot}, line);
    to_after.push_back(emit(Instr{Op::Jump}, line));
  }

  void compile_handlers(const YNode& handlers, std::vector<size_t>& to_after, int line) {
    std::vector<const YNode*> list;
    if (handlers.kind == YNode::Kind::Seq) for (auto& h : handlers.items) list.push_back(&h);
    else if (handlers.kind == YNode::Kind::Map) list.push_back(&handlers);
    else { error(handlers.pos, "`except` is a list of handlers: [{type: ValueError, as: e, steps: [...]}]"); return; }
    for (size_t i = 0; i < list.size(); ++i) {
      const YNode& h = *list[i];
      if (h.kind != YNode::Kind::Map) { error(h.pos, "a handler is a mapping: {type: ValueError, as: e, steps: [...]}"); continue; }
      for (auto& [k, v] : h.pairs)
        if (k.value != "type" && k.value != "as" && k.value != "steps")
          error(k.pos, "unknown key '" + k.value + "' in an `except` handler" + did_you_mean(k.value, {"type", "as", "steps"}));
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
        if (match.target && match.target->kind == ExprKind::Name) as_slot = locals_[match.target->name];
      }
      size_t jm = emit(match, h.pos.line);
      Construct c{Construct::Handler};
      c.as_slot = as_slot;
      constructs_.push_back(c);
      if (steps) compile_steps(*steps);
      constructs_.pop_back();
      emit(Instr{Op::PopExc}, line);
      if (as_slot >= 0) emit(Instr{Op::Clear, as_slot}, line);
      to_after.push_back(emit(Instr{Op::Jump}, line));
      current_->code[jm].a = here();
    }
    emit(Instr{Op::Reraise}, line);  // no handler matched
  }

  // A handler's `type`: one exception class, or a list of them (a tuple).
  ExprPtr handler_types(const YNode& type) {
    if (type.kind != YNode::Kind::Seq) return exception_type_expr(type);
    auto tup = std::make_unique<Expr>(ExprKind::Tuple, type.pos);
    for (auto& t : type.items) if (auto e = exception_type_expr(t)) tup->kids.push_back(std::move(e));
    return tup;
  }

  // `type: CancelledError` means asyncio.CancelledError, as the spec says.
  ExprPtr exception_type_expr(const YNode& t) {
    if (!t.is_scalar()) { error(t.pos, "an exception type is a name such as ValueError"); return nullptr; }
    ExprPtr e = parse_guarded([&] { return parse_expression(t.value, content_pos(t)); }, t.pos, t.value, false);
    if (e) exception_types_.insert(e.get());
    return e;
  }
};

}  // namespace

extern const char* const kAsyncioPrelude;
extern const std::string_view kAsyncioPreludePacked;  // its tree, packed at build time

std::unique_ptr<Program> compile_scenario(std::shared_ptr<const SourceFile> source) {
  auto prog = std::make_unique<Program>();
  YNode root = load_yaml(*source);
  prog->prelude_source = std::make_shared<const SourceFile>("<corun asyncio prelude>", kAsyncioPrelude);
  Compiler c(*prog, *source);
  try {
    prog->prelude_tree = std::make_shared<const YNode>(unpack_yaml(kAsyncioPreludePacked));
    c.compile_prelude(*prog->prelude_tree);
  } catch (ScenarioError& e) {
    // A bug in corun, not in the scenario: say where in the prelude.
    for (auto& d : e.diagnostics) {
      d.message = "internal error in corun's asyncio prelude, line " + std::to_string(d.pos.line) + ":" +
                  std::to_string(d.pos.col) + ": " + d.message;
      d.pos = SourcePos{};
      d.hint.clear();
    }
    throw;
  }
  c.compile(root);
  prog->source = std::move(source);
  return prog;
}

}  // namespace corun
