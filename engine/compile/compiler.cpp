// Scenario YAML -> Program: checks every key, verb and expression, compiles
// steps to instructions, and resolves every name to a frame slot, a program
// global or a builtin. All errors carry file:line:col.
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

namespace {

const std::vector<std::string> kTopKeys = {"name", "description", "coroutines", "functions", "exceptions", "classes", "main", "script", "options", "conformance"};
const std::vector<std::string> kBareWords = {"pass", "break", "continue", "raise", "return", "yield"};

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
    // compile_prelude_once says "internal error in corun's asyncio prelude".
    if (!errors_.empty()) throw ScenarioError(std::move(errors_));
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

    // The module's own variables: what `script:` assigns and what `global:`
    // declares anywhere, so every body resolves them as Python does (a name
    // a function does not assign is the module's).
    for (const char* section : {"coroutines", "functions", "classes"})
      if (auto* s = root.get(section)) declare_global_statements(*s);
    const YNode* script = root.get("script");
    if (script) compile_script(*script);

    if (auto* ex = root.get("exceptions")) compile_exceptions(*ex);
    if (auto* cs = root.get("coroutines")) compile_definitions(*cs, true);
    if (auto* fs = root.get("functions")) compile_definitions(*fs, false);
    if (auto* cl = root.get("classes")) compile_classes(*cl);

    const YNode* main = root.get("main");
    if (script) {
      if (main) error(main->pos, "`main:` and `script:` cannot be used together",
                      "`main: EXPR` is the short form of `script: [{call: asyncio.run(EXPR)}]`: keep one");
      if (const YNode* opts = root.get("options"); opts && opts->get("debug"))
        error(opts->get("debug")->pos, "with `script:`, debug mode is asyncio.run's argument",
              "write `- call: asyncio.run(main(), debug=True)` (or run with `corun run --debug`)");
    } else if (main) {
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

  bool is_builtin_exception(const std::string& name) const {
    int bb = builtin_index(name);
    return bb >= 0 && name != "asyncio" && name != "time" && name != "random" && name != "NotImplemented" &&
           std::isupper((unsigned char)name[0]);
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
      bool ok = (gb >= 0 && gb < g && exception_globals_.count(gb)) || (gb < 0 && is_builtin_exception(base));
      if (!ok) {
        if (gb < 0 && builtin_index(base) < 0)
          if (auto u = unsupported_name(base)) { error(v.pos, u->message, u->hint); continue; }  // FileNotFoundError
        std::vector<std::string> cands = user_builtin_names();
        std::string hint;
        if (gb >= 0 && !exception_globals_.count(gb))
          hint = "'" + base + "' is under `classes:`: derive from it there, with `base: " + base + "`";
        else if (gb >= 0)
          hint = "define the base exception before the classes derived from it";
        error(v.pos, "unknown exception base class '" + base + "'" + did_you_mean(base, cands), hint);
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
      Program::ClassDef def{g, "", {}, {}, {}};
      if (v.kind != YNode::Kind::Map) { error(v.pos, "a class is a mapping with `fields` and `methods`"); continue; }
      for (auto& [ck, cv] : v.pairs) {
        if (ck.value == "fields") {
          if (cv.kind != YNode::Kind::Map) { error(cv.pos, "`fields` maps a field name to its initial value"); continue; }
          for (auto& [fk, fv] : cv.pairs) {
            ExprPtr e = value_expr(fv);
            if (!e) continue;
            current_ = module_;
            resolving_fields_ = true;  // evaluated in each new instance's __init__
            resolve_root(*e);
            resolving_fields_ = false;
            def.fields.emplace_back(fk.value, module_->own(std::move(e)));
          }
        } else if (ck.value == "attributes") {
          if (cv.kind != YNode::Kind::Map) { error(cv.pos, "`attributes` maps a class attribute's name to its value"); continue; }
          for (auto& [ak, av] : cv.pairs) {
            if (!valid_identifier(ak.value)) { error(ak.pos, "'" + ak.value + "' is not a valid Python name"); continue; }
            ExprPtr e = value_expr(av);
            if (!e) continue;
            current_ = module_;
            resolve_root(*e);
            def.attributes.emplace_back(ak.value, module_->own(std::move(e)));
          }
        } else if (ck.value == "methods") {
          if (cv.kind != YNode::Kind::Map) { error(cv.pos, "`methods` maps a method name to its definition"); continue; }
          for (auto& [mk, mv] : cv.pairs) {
            // Dunders Python calls synchronously (__str__, __eq__, __enter__ ...) are plain unless `sync: false`.
            bool sync = is_sync_dunder(mk.value);
            if (mv.kind == YNode::Kind::Map) if (auto* s = mv.get("sync")) sync = s->value == "true";
            bool coroutine = !sync && mk.value != "__init__";
            current_class_ = g;
            CodeObject* code = compile_body(k.value + "." + mk.value, mv, coroutine, mk.pos, true);
            current_class_ = -1;
            if (code) {
              code->name = mk.value;
              code->qualname = k.value + "." + mk.value;
              def.methods.emplace_back(mk.value, code);
            }
          }
        } else if (ck.value == "base") {
          if (!cv.is_scalar()) {
            error(cv.pos, "`base` is one class name: corun supports single inheritance only",
                  "derive from one class; combine behaviour by deriving in a chain (class B(A), class C(B))");
            continue;
          }
          def.base = cv.value;
          if (def.base == "object") { def.base.clear(); continue; }
          int gb = global_index(def.base);
          bool ok = (gb >= 0 && (compiled_classes_.count(gb) || exception_globals_.count(gb))) ||
                    (gb < 0 && is_builtin_exception(def.base));
          if (!ok)
            error(cv.pos, "unknown base class '" + def.base + "'",
                  gb >= 0 && global_index(def.base) > g ? "define the base class before the classes derived from it"
                                                       : "a base class is `object`, a builtin exception class, or a class "
                                                         "defined earlier under `classes:` or `exceptions:`");
        } else {
          error(ck.pos, "unknown key '" + ck.value + "' in a class" + did_you_mean(ck.value, {"base", "fields", "methods", "attributes"}));
        }
      }
      compiled_classes_.insert(def.global);
      prog_.class_defs.push_back(std::move(def));
    }
  }

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
  BodyState enter_body(CodeObject* code, bool coroutine, SymScope* scope) {
    BodyState saved{current_, current_is_coroutine_, std::move(constructs_), has_return_value_, scope_, module_scope_};
    current_ = code;
    current_is_coroutine_ = coroutine;
    constructs_.clear();
    has_return_value_ = false;
    scope_ = scope;
    module_scope_ = false;
    return saved;
  }
  void leave_body(BodyState& saved) {
    current_ = saved.current;
    current_is_coroutine_ = saved.is_coroutine;
    constructs_ = std::move(saved.constructs);
    has_return_value_ = saved.has_return_value;
    scope_ = saved.scope;
    module_scope_ = saved.module_scope;
  }

  // A definition: a top-level one (enclosing == null), or a `def` step
  // inside `enclosing`, whose parameter defaults go to `nested_defaults`
  // (evaluated where the step runs). `verb` is the step's own key.
  CodeObject* compile_body(const std::string& name, const YNode& def, bool coroutine, SourcePos pos, bool method,
                           SymScope* enclosing = nullptr, std::vector<ExprPtr>* nested_defaults = nullptr,
                           const char* verb = nullptr) {
    CodeObject* code = new_code(name, coroutine, pos);
    SymScope* scope = enclosing ? enclosing->add_child(SymScope::Kind::Function, code)
                                : symtable_.new_root(SymScope::Kind::Function, code);
    BodyState saved = enter_body(code, coroutine, scope);
    compile_body_into(*code, name, def, method, nested_defaults, verb);
    pending_.push_back(PendingCode{code, scope});
    leave_body(saved);
    if (!enclosing) resolve_definition(scope);
    return code;
  }

  void compile_body_into(CodeObject& code_ref, const std::string& name, const YNode& def, bool method,
                         std::vector<ExprPtr>* nested_defaults, const char* verb) {
    CodeObject* code = &code_ref;
    const YNode* steps = nullptr;
    const YNode* params = nullptr;
    if (def.kind == YNode::Kind::Seq) steps = &def;
    else if (def.kind == YNode::Kind::Map) {
      for (auto& [k, v] : def.pairs) {
        if (k.value == "steps") steps = &v;
        else if (k.value == "params") params = &v;
        else if (verb && k.value == verb) {}
        else if (k.value == "sync" && method) {}
        else if (k.value == "decorators") compile_decorators(v, *code);
        else error(k.pos, "unknown key '" + k.value + "' in the definition of '" + name + "'" + did_you_mean(k.value, {"params", "steps", "decorators"}));
      }
      if (!steps) error(def.pos, "'" + name + "' has no `steps`");
    } else if (def.kind == YNode::Kind::Null) {
      steps = nullptr;
    } else {
      error(def.pos, "a definition is a list of steps, or a mapping with `params` and `steps`");
      return;
    }
    if (method && !(params && params->kind == YNode::Kind::Seq && !params->items.empty() &&
                    params->items[0].is_scalar() && params->items[0].value == "self")) {
      // `self` is implicit in a method's params (writing it is allowed too).
      symtable_.bind_param(scope_, "self");
      code->params.push_back("self");
      code->param_defaults.push_back(nullptr);
    }
    if (params) compile_params(*params, *code, nested_defaults);
    if (steps) compile_steps(*steps);
    // Falling off the end returns None.
    emit(Instr{Op::Return}, def.pos.line ? last_line(code) : 0);
    // `await` only where Python allows it; names are resolved with the
    // whole definition (resolve_definition).
    for (auto& e : code->exprs) rewrite_supers(*e);
    for (auto& e : code->exprs) check_awaits(*e);
  }

  // Names are resolved once a top-level definition is complete, nested
  // definitions included: only then is every scope's set of locals known,
  // and with it what each closure captures.
  void resolve_definition(SymScope* root) {
    for (size_t i = 0; i < pending_.size(); ++i) {
      CodeObject* code = pending_[i].code;
      for (size_t j = 0; j < code->exprs.size(); ++j) collect_root(*code->exprs[j], pending_[i].scope);
    }
    pending_.clear();
    finish_resolution(root);
  }
  void finish_resolution(SymScope* root) {
    std::vector<SymError> errs;
    symtable_.analyze(root, errs);
    for (auto& e : errs) error(e.pos, e.message, e.hint);
    for (auto& u : symtable_.uses()) resolve_name(*u.name, u.scope, u.root);
    symtable_.clear_uses();
    for (const Expr* attr : module_attrs_) check_module_attr(*attr);
    module_attrs_.clear();
    symtable_.forget(root);
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

  void compile_params(const YNode& params, CodeObject& code, std::vector<ExprPtr>* nested_defaults = nullptr) {
    if (params.kind != YNode::Kind::Seq) { error(params.pos, "`params` is a list: [name, {delay: 1}]"); return; }
    bool seen_default = false;
    for (auto& p : params.items) {
      std::string name;
      const Expr* dflt = nullptr;
      if (p.is_scalar()) {
        name = p.value;
        if (seen_default && name[0] != '*') error(p.pos, "non-default parameter '" + name + "' follows a parameter with a default");
      } else if (p.kind == YNode::Kind::Map && p.pairs.size() == 1) {
        name = p.pairs[0].first.value;
        ExprPtr e = value_expr(p.pairs[0].second);
        if (e && nested_defaults) {
          dflt = e.get();  // evaluated by the `def` step, in the enclosing frame
          nested_defaults->push_back(std::move(e));
        } else if (e) {
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
      if (scope_->symbols.count(name) && scope_->symbols[name].param) {
        error(p.pos, "duplicate argument '" + name + "' in function definition");
        continue;
      }
      if (varargs) {
        code.varargs_slot = symtable_.bind_param(scope_, name);
        continue;
      }
      symtable_.bind_param(scope_, name);
      code.params.push_back(name);
      code.param_defaults.push_back(dflt);
    }
  }

  // ---- the module: `script:` and `global:` ----
  // The script is the module body: a plain (non-async) code object run once
  // at start, whose names are the module's globals.
  void compile_script(const YNode& steps) {
    if (steps.kind != YNode::Kind::Seq && steps.kind != YNode::Kind::Null) {
      error(steps.pos, "`script` is the list of the module's statements, such as `- call: asyncio.run(main())`");
      return;
    }
    CodeObject* code = new_code("<module>", false, steps.pos);
    SymScope* scope = symtable_.new_root(SymScope::Kind::Function, code);
    scope->is_module = true;
    BodyState saved = enter_body(code, false, scope);
    module_scope_ = true;
    compile_steps(steps);
    emit(Instr{Op::Return}, last_line(code));
    for (auto& e : code->exprs) check_awaits(*e);
    pending_.push_back(PendingCode{code, scope});
    resolve_definition(scope);  // while module_scope_ holds: a walrus here binds a global
    leave_body(saved);
    prog_.script = code;
  }

  // A module variable (assigned by the script or declared `global`): unbound
  // until assigned. A definition of that name is the same global.
  void declare_module_global(const std::string& name, SourcePos pos) {
    if (global_index(name) >= 0) return;
    if (builtin_index(name) >= 0) {
      error(pos, "'" + name + "' would hide the builtin of the same name; choose another name");
      return;
    }
    add_global(name, pos);
    prog_.globals.back().variable = true;
  }

  // Every `global:` step of the definitions, before any body is compiled: a
  // function may read a global that only another function's `global` creates.
  void declare_global_statements(const YNode& n) {
    if (n.kind == YNode::Kind::Seq) {
      for (auto& item : n.items) declare_global_statements(item);
    } else if (n.kind == YNode::Kind::Map) {
      for (auto& [k, v] : n.pairs) {
        if (k.value == "global")
          for (const YNode* name : global_names(v))
            if (valid_identifier(name->value)) declare_module_global(name->value, name->pos);
        declare_global_statements(v);
      }
    }
  }

  static std::vector<const YNode*> global_names(const YNode& v) {
    std::vector<const YNode*> names;
    if (v.is_scalar()) names.push_back(&v);
    else if (v.kind == YNode::Kind::Seq)
      for (auto& item : v.items) if (item.is_scalar()) names.push_back(&item);
    return names;
  }

  static bool mentions_name(const Expr& e, const std::string& name) {
    if (e.kind == ExprKind::Name && e.name == name) return true;
    for (auto& k : e.kids) if (k && mentions_name(*k, name)) return true;
    for (auto& k : e.kwargs) if (k && mentions_name(*k, name)) return true;
    for (auto& c : e.clauses) {
      if (mentions_name(*c.iter, name)) return true;
      for (auto& cond : c.conds) if (mentions_name(*cond, name)) return true;
    }
    for (auto& p : e.parts) {
      if (p.expr && mentions_name(*p.expr, name)) return true;
      if (p.format_spec && mentions_name(*p.format_spec, name)) return true;
    }
    return false;
  }

  // `global: NAME` / `global: [A, B]`: the names are the module's in this
  // body. CPython's symtable refuses a parameter, a name already assigned,
  // then one already used.
  void compile_global(const YNode& arg) {
    if (!(arg.is_scalar() || arg.kind == YNode::Kind::Seq) || global_names(arg).empty() ||
        (arg.kind == YNode::Kind::Seq && global_names(arg).size() != arg.items.size())) {
      error(arg.pos, "`global` takes a name or a list of names: `global: counter`, `global: [a, b]`");
      return;
    }
    for (const YNode* n : global_names(arg)) {
      const std::string& name = n->value;
      if (!valid_identifier(name)) { error(n->pos, "'" + name + "' is not a valid Python name"); continue; }
      if (module_scope_) continue;  // `global x` at module level changes nothing, as in Python
      const auto& params = current_->params;
      bool is_param = std::find(params.begin(), params.end(), name) != params.end() ||
                      (current_->varargs_slot >= 0 && current_->slot_names[size_t(current_->varargs_slot)] == name);
      if (is_param) {
        error(n->pos, "name '" + name + "' is parameter and global",
              "Python: SyntaxError; a parameter is always local: rename it");
        continue;
      }
      std::vector<SymError> errs;
      symtable_.declare_global(scope_, name, n->pos, errs);  // assigned before
      for (auto& e : errs) error(e.pos, e.message, "Python: SyntaxError; put the `global` step first in the body");
      if (!errs.empty()) continue;
      for (auto& e : current_->exprs)
        if (mentions_name(*e, name)) {
          error(n->pos, "name '" + name + "' is used prior to global declaration",
                "Python: SyntaxError; put the `global` step first in the body");
          break;
        }
    }
  }

  int declare_local(const std::string& name, SourcePos pos = {}) {
    if (module_scope_) { declare_module_global(name, pos); return -1; }
    if (!scope_ || current_ == module_) return -1;
    return symtable_.bind(scope_, name, pos);
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
    if (await_syntax_seen_ && !lowering_ && current_is_coroutine_ && current_ != module_ && instruction_awaits(ins)) {
      lower_awaits(ins, line);
      lowering_ = true;  // (what is left awaits only after an error was reported)
      size_t at = emit(ins, line);
      release_lowered_temps(ins.op, line);
      lowering_ = false;
      return at;
    }
    if (++instructions_ > kMaxInstructions)
      fail(SourcePos{line, 0}, "the scenario compiles to more than " + std::to_string(kMaxInstructions) + " instructions",
           "every return, break or continue inside try/finally repeats the finally steps it leaves; "
           "nested ones multiply: move the steps out of the finally blocks");
    ins.line = line;
    current_->code.push_back(ins);
    return current_->code.size() - 1;
  }
  int here() const { return int(current_->code.size()); }

  // ---- await inside expressions (engine/compile/lower_await.cpp) ----
  // Whether any expression text so far may hold `await`, `async for` or
  // `:=`: the passes below walk expressions only then, so scenarios without
  // them load exactly as fast as before.
  bool await_syntax_seen_ = false;
  void note_await_syntax(const std::string& raw) {
    if (!await_syntax_seen_ && (has_keyword(raw, "await") || has_keyword(raw, "async") || raw.find(":=") != std::string::npos))
      await_syntax_seen_ = true;
  }
  // `word` as a whole word (so `asyncio` is not `async`); erring on the
  // side of yes costs only the walks.
  static bool has_keyword(const std::string& text, std::string_view word) {
    auto ident = [](char c) { return std::isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80; };
    for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
      size_t next = at + word.size();
      if ((at == 0 || !ident(text[at - 1])) && (next >= text.size() || !ident(text[next]))) return true;
    }
    return false;
  }
  bool lowering_ = false;
  static bool instruction_awaits(const Instr& ins) {
    return (ins.e && contains_await(*ins.e)) || (ins.e2 && contains_await(*ins.e2)) ||
           (ins.target && contains_await(*ins.target));
  }
  // Emits the instructions that evaluate the awaits of `ins` in Python's
  // order, and leaves `ins` with the await-free rest.
  void lower_awaits(Instr& ins, int line) {
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
  // The hidden slots of one lowered instruction: unbound once it is done,
  // so they hold no value longer than CPython's stack does.
  std::vector<int> lowered_temps_;
  void release_lowered_temps(Op op, int line) {
    std::vector<int> temps = std::move(lowered_temps_);
    lowered_temps_.clear();
    bool falls_through = op != Op::Jump && op != Op::JumpIfFalse && op != Op::Return && op != Op::Raise &&
                         op != Op::Reraise && op != Op::ForNext && op != Op::Match;
    if (!falls_through) return;
    for (int slot : temps) emit(Instr{Op::Clear, slot}, line);
  }
  int temp_slot(const char* what) override {
    int slot = hidden_slot(what);
    lowered_temps_.push_back(slot);
    return slot;
  }
  size_t emit_lowered(Instr ins, int line) override { return emit(ins, line); }
  int next_pc() const override { return here(); }
  Instr& instr_at(size_t index) override { return current_->code[index]; }
  const Expr* keep(ExprPtr e) override { return own(std::move(e)); }
  void report(SourcePos pos, std::string message, std::string hint) override {
    error(pos, std::move(message), std::move(hint));
  }
  bool resolving_fields_ = false;
  AwaitContext await_context() const {
    if (resolving_fields_) return AwaitContext::Sync;  // as written in __init__ by `corun export`
    if (current_ == module_ || module_scope_) return AwaitContext::Module;
    return current_is_coroutine_ ? AwaitContext::Async : AwaitContext::Sync;
  }

  void check_awaits(const Expr& e) {
    if (!await_syntax_seen_) return;
    check_await_usage(e, await_context(), [&](SourcePos pos, std::string msg, std::string hint) {
      report(pos, std::move(msg), std::move(hint));
    });
  }

  // Python allows a bare `x := v` as a whole condition of `if`/`while` (and
  // as a list item); anywhere else it must be parenthesized.
  bool bare_walrus_ok_ = false;
  void check_bare_walrus(const Expr& e) {
    if (e.kind != ExprKind::NamedExpr || e.parenthesized || bare_walrus_ok_) return;
    error(e.pos, "invalid syntax: an unparenthesized `:=` is allowed only as the condition of `if:` or `while:`",
          "write it in parentheses: (" + e.kids[0]->name + " := ...)");
  }

  // ---- expressions from YAML values ----
  ExprPtr parse_guarded(const std::function<ExprPtr()>& f, SourcePos pos, const std::string& raw, bool plain,
                        char in_flow = 0) {
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

  // `{1, 2}` written as a value: YAML makes it a flow mapping of keys
  // without values. Refused rather than guessed (Python's meaning is a set):
  // a flow mapping on one line where no key is followed by ':'.
  bool reads_as_a_set(const YNode& n) {
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
    if (t.kind == ExprKind::Name) declare_local(t.name, t.pos);
    else if (t.kind == ExprKind::Tuple || t.kind == ExprKind::List || t.kind == ExprKind::Starred)
      for (auto& k : t.kids) declare_target_names(*k);
  }

  // ---- name resolution ----
  // An expression outside any definition (`main`, a field, a default):
  // resolved at once, in a scope standing for the module.
  void resolve_root(Expr& e) {
    check_awaits(e);
    SymScope* module = symtable_.new_root(SymScope::Kind::Function, current_);
    module->is_module = true;
    collect_root(e, module);
    finish_resolution(module);
  }
  void collect_root(Expr& e, SymScope* s) {
    if (e.scope != Scope::Unresolved && e.kind == ExprKind::Name) return;
    collect_root_ = &e;
    collect(e, s);
  }
  const Expr* collect_root_ = nullptr;  // the expression being collected, for hints
  std::set<const Expr*> exception_types_;

  std::vector<std::string> visible_names(SymScope* s) {
    std::vector<std::string> names;
    for (SymScope* p = s; p; p = p->parent)
      for (auto& [k, v] : p->symbols) if (v.bound || v.free) names.push_back(k);
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

  // super().NAME (and super(C, obj).NAME) -> _super_attr(C, obj, "NAME"):
  // zero-argument super() takes the method's class and its first argument,
  // as CPython's __class__ cell and frame do. corun has no super object.
  static bool is_super_call(const Expr& e) {
    return e.kind == ExprKind::Call && !e.kids.empty() && e.kids[0]->kind == ExprKind::Name &&
           e.kids[0]->name == "super" && e.kids[0]->scope == Scope::Unresolved && e.kwargs.empty() &&
           (e.kids.size() == 1 || e.kids.size() == 3);
  }
  void rewrite_super(Expr& attr) {
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

  // Every super().NAME of a method's body, rewritten before names are
  // resolved (the rewrite names the class and the method's first argument).
  void rewrite_supers(Expr& e) {
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

  // First walk: which names each scope uses; comprehensions, generator
  // expressions and lambdas open scopes of their own.
  void collect(Expr& e, SymScope* s) {
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

  // `asyncio.open_connection`: an attribute of one of corun's modules that it
  // does not have is said now, not when the line runs (engine/compile/unsupported.h).
  // The prelude is exempt: it is what builds the list of what asyncio has.
  void check_module_attr(const Expr& e) {
    if (prelude_ || errors_full() || e.kids.empty() || !e.kids[0]) return;
    const Expr& base = *e.kids[0];
    if (base.kind != ExprKind::Name || base.scope != Scope::Builtin || !is_builtin_module(base.name)) return;
    if (auto u = missing_module_attr(base.name, e.name)) error(e.pos, u->message, u->hint);
  }

  // "main.<locals>." for what is defined inside main; "" at the module.
  // Comprehensions and generator expressions add their name without
  // `<locals>` (CPython's compiler_set_qualname).
  static std::string qualname_prefix(SymScope* s) {
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

  // A comprehension is a scope: its variables do not leak. The first
  // iterable is evaluated outside it, as in Python. A generator expression
  // runs lazily, so it gets a code (a frame) of its own.
  void collect_comprehension(Expr& e, SymScope* s) {
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

  void bind_comp_target(Expr& t, SymScope* inner) {
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

  // `lambda params: body` -- a function whose one step returns the body.
  void compile_lambda(Expr& e, SymScope* s) {
    CodeObject* code = new_code("<lambda>", false, e.pos);
    code->qualname = qualname_prefix(s) + "<lambda>";
    SymScope* inner = s->add_child(SymScope::Kind::Lambda, code);
    for (size_t i = 0; i < e.kwnames.size(); ++i) {
      const std::string& p = e.kwnames[i];
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

  // Second walk, after the analysis: each name to its slot, cell, global
  // or builtin.
  void resolve_name(Expr& e, SymScope* s, const Expr* root) {
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
  static const VerbRule* find_verb(std::string_view name) {
    for (const VerbRule& r : verb_rules()) if (name == r.name) return &r;
    return nullptr;
  }
  // The verbs' names, in table order (the candidates of "did you mean").
  static const std::vector<std::string>& verb_names() {
    static const std::vector<std::string> names = [] {
      std::vector<std::string> v;
      for (const VerbRule& r : verb_rules()) v.push_back(r.name);
      return v;
    }();
    return names;
  }

  void compile_steps(const YNode& steps) {
    if (steps.kind == YNode::Kind::Null) return;
    if (steps.kind != YNode::Kind::Seq) {
      error(steps.pos, "expected a list of steps (each item starts with '- '), found " + std::string(steps.kind_name()));
      return;
    }
    for (auto& s : steps.items) compile_step(s);
  }

  // A step: a bare word, or a mapping whose one verb key picks its rule;
  // the rule's modifiers are the only other keys allowed, and its flags say
  // where it may appear. Its handler then compiles it.
  void compile_step(const YNode& step) {
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

  // pass, break, continue, raise (re-raise), return, yield as plain words.
  void compile_bare_word(const YNode& step) {
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
    std::vector<std::string> cands = kBareWords;
    cands.insert(cands.end(), verb_names().begin(), verb_names().end());
    std::string dym = did_you_mean(w, cands);
    error(step.pos, "'" + w + "' is not a step" + dym,
          find_verb(w) ? "write it as a mapping: - " + w + ": ..."
                       : "a step is a mapping such as `- print: \"...\"`; the bare words are pass, break, continue, raise, return, yield");
  }

  // The step's verb: the key that is one, where the other keys are its
  // modifiers (`timeout` is a verb, and also a modifier of `wait_for`).
  const VerbRule* step_verb(const YNode& step, const YPair*& verb_key) {
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

  bool modifiers_fit(const YNode& step, const VerbRule& rule) {
    const std::vector<std::string>& allowed = rule.modifiers;
    for (auto& [k, v] : step.pairs) {
      if (k.value == rule.name) continue;
      if (std::find(allowed.begin(), allowed.end(), k.value) == allowed.end()) {
        std::string msg = "unknown key '" + k.value + "' in a `" + rule.name + "` step";
        std::string dym = did_you_mean(k.value, allowed);
        error(k.pos, msg + (dym.empty() ? (allowed.empty() ? "; it takes no other keys" : "; it takes " + join(allowed)) : dym));
        return false;
      }
    }
    return true;
  }

  // An awaiting verb only in a coroutine; an awaiting or function-only verb
  // not in `script:` (Python's SyntaxErrors, said in the scenario's terms).
  bool verb_allowed_here(const YNode& step, const VerbRule& rule, SourcePos verb_pos) {
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

  // ---- the verbs' handlers (kVerbRules' order) ----

  void step_print(const Step& s) {
    Instr ins{Op::Print};
    ins.e = own(print_template(s.arg));
    if (ins.e) emit(ins, s.line);
  }

  // sleep: EXPR (asyncio.sleep) and block: EXPR (time.sleep, blocking the loop).
  void step_sleep_or_block(const Step& s, Op op) {
    Instr ins{op};
    ins.e = own(expression(s.arg, s.verb.c_str()));
    // sleep: 0 (the yield of the yield storm) needs no evaluation.
    if (ins.e && ins.op == Op::Sleep && ins.e->kind == ExprKind::Const &&
        ((ins.e->value.is_int() && ins.e->value.as_int() == 0) || (ins.e->value.is_float() && ins.e->value.as_float() == 0.0)))
      ins.a = 1;
    if (ins.e) emit(ins, s.line);
  }
  void step_sleep(const Step& s) { step_sleep_or_block(s, Op::Sleep); }
  void step_block(const Step& s) { step_sleep_or_block(s, Op::Block); }

  // await: EXPR and call: EXPR, optionally `as: TARGET`.
  void step_expression(const Step& s, Op op) {
    Instr ins{op};
    ins.e = own(expression(s.arg, s.verb.c_str()));
    if (s.as) ins.target = target(*s.as);
    if (ins.e) emit(ins, s.line);
  }
  void step_await(const Step& s) { step_expression(s, Op::Await); }
  void step_call(const Step& s) { step_expression(s, Op::Eval); }

  void step_set(const Step& s) {
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

  void step_task(const Step& s) {
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

  void step_gather(const Step& s) {
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

  void step_cancel(const Step& s) {
    Instr ins{Op::Cancel};
    ins.e = own(expression(s.arg, "cancel"));
    if (auto* m = s.node.get("msg")) ins.e2 = own(value_expr(*m));
    if (s.as) ins.target = target(*s.as);
    if (ins.e) emit(ins, s.line);
  }

  void step_raise(const Step& s) {
    if (s.arg.kind == YNode::Kind::Null) { emit(Instr{Op::Reraise}, s.line); return; }
    Instr ins{Op::Raise};
    ins.e = own(expression(s.arg, "raise"));
    if (auto* f = s.node.get("from")) ins.e2 = own(value_expr(*f));
    if (ins.e) emit(ins, s.line);
  }

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

  void step_timeout(const Step& s) {
    // async with asyncio.timeout(EXPR): ...
    ExprPtr delay = expression(s.arg, "timeout");
    if (!delay) return;
    std::vector<ExprPtr> args;
    args.push_back(std::move(delay));
    compile_async_with_expr(s.node, asyncio_call("timeout", std::move(args), {}, s.line), s.as, s.line);
  }

  void step_task_group(const Step& s) {
    // async with asyncio.TaskGroup() as NAME: ...
    compile_async_with_expr(s.node, asyncio_call("TaskGroup", {}, {}, s.line), &s.arg, s.line);
  }

  void step_wait_for(const Step& s) {
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

  void step_wait(const Step& s) {
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

  void step_yield(const Step& s) {
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

  void step_global(const Step& s) { compile_global(s.arg); }
  void step_with(const Step& s) { compile_with(s.node, s.arg, s.line); }
  void step_def(const Step& s) { compile_nested_def(s.node, s.arg, s.verb, s.line); }
  void step_nonlocal(const Step& s) { compile_nonlocal(s.arg); }

  // `- def: NAME` / `- async_def: NAME` with `params` and `steps`: Python's
  // nested `def` statement. The function is made when the step runs (its
  // defaults evaluated then, in this frame) and closes over this scope.
  void compile_nested_def(const YNode& step, const YNode& name_node, const std::string& verb, int line) {
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
    Instr ins{Op::Assign};
    ins.e = own(std::move(make));
    auto t = std::make_unique<Expr>(ExprKind::Name, name_node.pos);
    t->name = name;
    declare_target_names(*t);
    ins.target = own(std::move(t));
    emit(ins, line);
  }

  // `- nonlocal: x` / `- nonlocal: [x, y]`: no instruction, a declaration.
  void compile_nonlocal(const YNode& names) {
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

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::string("`") + v[i] + "`";
    return s;
  }

  void compile_if(const YNode& step, const YNode& cond, int line) {
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

  void compile_while(const YNode& step, const YNode& cond, int line) {
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

  // The slot an `except ... as NAME` unbinds at the end of the handler (0
  // when NAME is nonlocal, global or the module's: the Clear then goes
  // through the resolved name, to its cell or the module's globals).
  const Expr* bind_as_name_ = nullptr;
  int handler_slot(const Expr* name) {
    bind_as_name_ = name;
    auto it = scope_->symbols.find(name->name);
    if (it != scope_->symbols.end() && it->second.bound) return it->second.slot;
    return 0;
  }
  // `del NAME`, through its cell when a closure shares it (resolved later).
  void emit_clear(int slot, const Expr* name, int line) {
    Instr clear{Op::Clear, slot};
    clear.target = name;
    emit(clear, line);
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
    compile_with_body(Construct::AsyncWith, mgr_slot, *body, setup, line);
  }

  // The instruction that leaves a with (__exit__, called) or an async with
  // (__aexit__, awaited), with exc_slot's exception or none (-1).
  Instr with_exit(Construct::Kind kind, int slot, int exc_slot, int line) {
    const bool async = kind == Construct::AsyncWith;
    Instr exit{async ? Op::Await : Op::Eval};
    exit.e = own(async ? aexit_call(slot, exc_slot, line) : exit_call(slot, exc_slot, line));
    return exit;
  }

  // The rest of `with` and `async with` once the manager is entered and the
  // try block set up at `setup` (PEP 343): the body; __exit__(None, None,
  // None) on the way out; on an exception __exit__(type, exc, tb), which
  // swallows it when it returns true. `async with` awaits __aexit__ (its
  // manager in `slot`); `with` calls the bound __exit__ kept in `slot`.
  void compile_with_body(Construct::Kind kind, int slot, const YNode& body, size_t setup, int line) {
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

  // exit(None, None, None), or exit(type(exc), exc, exc.__traceback__) with exc in exc_slot.
  ExprPtr exit_call(int exit_slot, int exc_slot, int line) {
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

  // with MGR as TARGET: BODY, as Python 3.11 compiles it (BEFORE_WITH):
  // __enter__ and __exit__ are looked up on the manager's class first, then
  // __enter__ is called; the body's exception goes to __exit__, whose true
  // result suppresses it. Allowed in plain functions: nothing awaits.
  void compile_with(const YNode& step, const YNode& mgr, int line) {
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
  // that matches its types, as ExceptionGroup.split does, and runs with that
  // part as the exception being handled. What the handlers raise and what no
  // handler took are combined as CPython's _PyExc_PrepReraiseStar does
  // (re-raised parts keep the original structure, new exceptions join them
  // in ExceptionGroup("", [...])) and re-raised -- the original exception
  // itself when nothing matched.
  void compile_star_handlers(const YNode& handlers, std::vector<size_t>& to_after, int line) {
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
        if (k.value != "type" && k.value != "as" && k.value != "steps")
          error(k.pos, "unknown key '" + k.value + "' in an `except_star` handler" + did_you_mean(k.value, {"type", "as", "steps"}));
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
      {"def",          {"params", "steps"},                           false,  false,  &Compiler::step_def},
      {"async_def",    {"params", "steps"},                           false,  false,  &Compiler::step_def},
      {"nonlocal",     {},                                            false,  false,  &Compiler::step_nonlocal},
  };
  return rules;
}

}  // namespace

namespace {

std::shared_ptr<const CompiledPrelude> compile_prelude_once() {
  auto prelude = std::make_shared<CompiledPrelude>();
  SourceFile source("<corun asyncio prelude>", kAsyncioPrelude);
  Compiler c(prelude->program, source);
  try {
    YNode tree = unpack_yaml(kAsyncioPreludePacked);
    c.compile_prelude(tree);
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
  return prelude;
}

}  // namespace

std::shared_ptr<const CompiledPrelude> compiled_prelude() {
  // One per thread (in practice one per process: the CLI, corun test's
  // children, the fuzzer and the unit tests compile on one thread): its
  // constants are Objects from this thread's allocation pool (pool.cpp),
  // whose reference counts are not atomic. Never destroyed: the pool frees
  // its memory when the thread ends, and a destructor run after that would
  // touch freed memory. A failure is not kept: the next call throws again.
  thread_local const auto* prelude = new std::shared_ptr<const CompiledPrelude>(compile_prelude_once());
  return *prelude;
}

std::unique_ptr<Program> compile_scenario(std::shared_ptr<const SourceFile> source) {
  auto prog = std::make_unique<Program>();
  YNode root = load_yaml(*source);
  // The prelude's definitions come first, at the indices its code refers to.
  std::shared_ptr<const CompiledPrelude> prelude = compiled_prelude();
  const Program& p = prelude->program;
  prog->globals = p.globals;
  prog->functions = p.functions;
  prog->exception_defs = p.exception_defs;
  prog->class_defs = p.class_defs;
  prog->asyncio_exports = p.asyncio_exports;
  prog->prelude_module = p.prelude_module;
  prog->prelude = std::move(prelude);
  Compiler c(*prog, *source);
  c.compile(root);
  prog->source = std::move(source);
  return prog;
}

}  // namespace corun
