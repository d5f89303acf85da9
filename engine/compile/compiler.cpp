// Scenario YAML -> Program: the sections of a scenario (compile), its
// globals, definitions and classes, each body compiled in its scope, and
// the asyncio prelude compiled once per thread (compiled_prelude). The
// Compiler class and where the rest of it lives: compiler.h. All errors
// carry file:line:col.
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

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys = {"name", "description", "coroutines", "functions", "exceptions",
                                                "classes", "main", "script", "options", "conformance", "expect"};
  return keys;
}

const std::vector<std::string>& definition_keys() {
  static const std::vector<std::string> keys = {"params", "steps", "decorators"};
  return keys;
}

const char* implicit_method_param(const YNode& def) {
  const YNode* decorators = def.kind == YNode::Kind::Map ? def.get("decorators") : nullptr;
  if (decorators && decorators->kind == YNode::Kind::Seq)
    for (const YNode& d : decorators->items) {
      if (!d.is_scalar()) continue;
      if (d.value == "staticmethod") return "";
      if (d.value == "classmethod") return "cls";
    }
  return "self";
}

const std::vector<std::string>& expect_keys() {
  static const std::vector<std::string> keys = {"stdout", "stderr", "exit"};
  return keys;
}

const std::vector<std::string>& method_only_keys() {
  static const std::vector<std::string> keys = {"sync"};
  return keys;
}

const std::vector<std::string>& class_keys() {
  static const std::vector<std::string> keys = {"base", "fields", "methods", "attributes"};
  return keys;
}

const std::vector<std::string>& option_keys() {
  static const std::vector<std::string> keys = {"debug", "seed"};
  return keys;
}

const std::vector<std::string>& conformance_keys() {
  static const std::vector<std::string> keys = {"skip"};
  return keys;
}

void Compiler::compile_prelude(const YNode& root) {
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

void Compiler::compile(const YNode& root) {
  if (root.kind != YNode::Kind::Map)
    fail(root.pos, "a scenario is a YAML mapping (with `coroutines:` and optionally `main:`), found " + std::string(root.kind_name()));
  for (auto& [k, v] : root.pairs) {
    const std::vector<std::string>& top_keys = top_level_keys();
    if (std::find(top_keys.begin(), top_keys.end(), k.value) == top_keys.end()) {
      std::string hint;
      if (k.value == "steps")
        hint = "steps belong to a coroutine: `coroutines: {main: {steps: [...]}}`; Python does not allow `await` "
               "outside a coroutine either (SyntaxError: 'await' outside function)";
      error(k.pos, "unknown top-level key '" + k.value + "'" + did_you_mean(k.value, top_keys), hint);
    }
  }
  if (auto* n = root.get("name")) prog_.name = scalar_text(*n, "name");
  if (auto* n = root.get("description")) prog_.description = scalar_text(*n, "description");
  if (auto* opts = root.get("options")) compile_options(*opts);
  // conformance: {skip: "why"} -- read by tests/oracle/conformance.py; checked here.
  if (auto* conf = root.get("conformance")) {
    if (conf->kind != YNode::Kind::Map) error(conf->pos, "`conformance` is a mapping such as {skip: \"reason\"}");
    else for (auto& [k, v] : conf->pairs) {
      if (k.value != "skip") error(k.pos, "unknown key '" + k.value + "' in `conformance`" + did_you_mean(k.value, conformance_keys()));
      else if (!v.is_scalar() || v.value.empty()) error(v.pos, "`skip` gives the reason the scenario cannot be compared with CPython");
    }
  }

  // expect: {stdout: |..., stderr: |..., exit: N} -- the output `corun test`
  // checks the scenario against (cli/expect_block.h); a run ignores it.
  if (auto* ex = root.get("expect")) {
    if (ex->kind != YNode::Kind::Map) error(ex->pos, "`expect` is a mapping such as {stdout: \"...\", exit: 1}",
                                            "write the expected output as a block scalar: `expect:` then `  stdout: |`");
    else for (auto& [k, v] : ex->pairs) {
      if (std::find(expect_keys().begin(), expect_keys().end(), k.value) == expect_keys().end())
        error(k.pos, "unknown key '" + k.value + "' in `expect`" + did_you_mean(k.value, expect_keys()),
              "`expect` holds `stdout`, and optionally `stderr` and `exit`");
      else if (k.value == "exit") {
        bool ok = v.is_plain() && !v.value.empty() && v.value.size() <= 3 &&
                  v.value.find_first_not_of("0123456789") == std::string::npos && std::stoi(v.value) <= 255;
        if (!ok) error(v.pos, "`exit` is the expected exit status, a whole number from 0 to 255");
      } else if (v.kind != YNode::Kind::Scalar || v.is_expr_tag()) {
        error(v.pos, "`" + k.value + "` is the expected text, a string (a block scalar `|` or a quoted string)");
      }
    }
    if (ex->kind == YNode::Kind::Map && !ex->get("stdout"))
      error(ex->pos, "`expect` needs `stdout` (write `stdout: \"\"` for a scenario that prints nothing)");
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

void Compiler::error(SourcePos pos, std::string msg, std::string hint) {
  if (errors_.size() < kMaxErrors) errors_.push_back({pos, std::move(msg), std::move(hint)});
}

[[noreturn]] void Compiler::fail(SourcePos pos, std::string msg, std::string hint) {
  errors_.push_back({pos, std::move(msg), std::move(hint)});
  throw ScenarioError(std::move(errors_));
}

std::string Compiler::scalar_text(const YNode& n, const char* what) {
  if (n.kind == YNode::Kind::Null) return "";
  if (!n.is_scalar()) { error(n.pos, std::string("`") + what + "` is text, found " + n.kind_name()); return ""; }
  return n.value;
}

void Compiler::compile_options(const YNode& opts) {
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
      error(k.pos, "unknown option '" + k.value + "'" + did_you_mean(k.value, option_keys()));
    }
  }
}

int Compiler::global_index(const std::string& name) const {
  const auto& index = prelude_ ? first_global_ : first_visible_global_;
  auto it = index.find(name);
  return it == index.end() ? -1 : it->second;
}

void Compiler::add_global(const std::string& name, SourcePos pos) {
  int g = int(prog_.globals.size());
  prog_.globals.push_back(GlobalDef{name, pos, Value()});
  first_global_.emplace(name, g);  // emplace keeps the first
  if (!prelude_) first_visible_global_.emplace(name, g);
}

int Compiler::visible_builtin(const std::string& name) const {
  if (name[0] == '_' && !prelude_ && !private_builtins_) return -1;  // corun's private helpers
  return builtin_index(name);
}

void Compiler::declare_section(const YNode& root, const char* section) {
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

bool Compiler::valid_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
  for (char c : s) if (!(std::isalnum((unsigned char)c) || c == '_')) return false;
  return true;
}

CodeObject* Compiler::new_code(const std::string& name, bool is_coroutine, SourcePos pos) {
  prog_.codes.push_back(std::make_unique<CodeObject>());
  CodeObject* c = prog_.codes.back().get();
  c->name = name;
  c->qualname = name;
  c->is_coroutine = is_coroutine;
  c->def_line = pos.line;
  c->internal = prelude_;
  return c;
}

bool Compiler::is_builtin_exception(const std::string& name) const {
  int bb = builtin_index(name);
  return bb >= 0 && name != "asyncio" && name != "time" && name != "random" && name != "NotImplemented" &&
         std::isupper((unsigned char)name[0]);
}

void Compiler::compile_exceptions(const YNode& section) {
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

void Compiler::compile_definitions(const YNode& section, bool coroutine) {
  if (section.kind != YNode::Kind::Map) return;
  for (auto& [k, v] : section.pairs) {
    int g = global_index(k.value);
    if (g < 0) continue;
    CodeObject* code = compile_body(k.value, v, coroutine, k.pos, false);
    if (code) prog_.functions.push_back(Program::FunctionDef{g, code});
  }
}

void Compiler::compile_classes(const YNode& section) {
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
        // `base: asyncio.Protocol`: a public class of the asyncio prelude
        // (Protocol, BaseProtocol, StreamReader ...), named by its own
        // name at run time -- so only while no global of the scenario's
        // takes that name.
        if (!prelude_ && def.base.rfind("asyncio.", 0) == 0) {
          const std::string name = def.base.substr(8);
          bool prelude_class = false;
          for (auto& [n, index] : prog_.asyncio_exports)
            if (n == name)
              for (auto& cd : prog_.class_defs) prelude_class = prelude_class || cd.global == index;
          if (prelude_class && !first_visible_global_.count(name)) { def.base = name; continue; }
        }
        int gb = global_index(def.base);
        bool ok = (gb >= 0 && (compiled_classes_.count(gb) || exception_globals_.count(gb))) ||
                  (gb < 0 && is_builtin_exception(def.base));
        if (!ok)
          error(cv.pos, "unknown base class '" + def.base + "'",
                gb >= 0 && global_index(def.base) > g ? "define the base class before the classes derived from it"
                                                     : "a base class is `object`, a builtin exception class, or a class "
                                                       "defined earlier under `classes:` or `exceptions:`");
      } else {
        error(ck.pos, "unknown key '" + ck.value + "' in a class" + did_you_mean(ck.value, class_keys()));
      }
    }
    compiled_classes_.insert(def.global);
    prog_.class_defs.push_back(std::move(def));
  }
}

Compiler::BodyState Compiler::enter_body(CodeObject* code, bool coroutine, SymScope* scope) {
  BodyState saved{current_, current_is_coroutine_, std::move(constructs_), has_return_value_, scope_, module_scope_};
  current_ = code;
  current_is_coroutine_ = coroutine;
  constructs_.clear();
  has_return_value_ = false;
  scope_ = scope;
  module_scope_ = false;
  return saved;
}

void Compiler::leave_body(BodyState& saved) {
  current_ = saved.current;
  current_is_coroutine_ = saved.is_coroutine;
  constructs_ = std::move(saved.constructs);
  has_return_value_ = saved.has_return_value;
  scope_ = saved.scope;
  module_scope_ = saved.module_scope;
}

CodeObject* Compiler::compile_body(const std::string& name, const YNode& def, bool coroutine, SourcePos pos, bool method, SymScope* enclosing, std::vector<ExprPtr>* nested_defaults, const char* verb) {
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

void Compiler::compile_body_into(CodeObject& code_ref, const std::string& name, const YNode& def, bool method, std::vector<ExprPtr>* nested_defaults, const char* verb) {
  CodeObject* code = &code_ref;
  const YNode* steps = nullptr;
  const YNode* params = nullptr;
  const YNode* native = nullptr;
  if (def.kind == YNode::Kind::Seq) steps = &def;
  else if (def.kind == YNode::Kind::Map) {
    for (auto& [k, v] : def.pairs) {
      if (k.value == "steps") steps = &v;
      else if (k.value == "params") params = &v;
      else if (k.value == "native" && prelude_) native = &v;
      else if (verb && k.value == verb) {}
      else if (k.value == "sync" && method) {}
      else if (k.value == "decorators") {
        if (!nested_defaults) compile_decorators(v, *code);  // a nested def's are calls in its step (compile_nested_def)
      }
      else error(k.pos, "unknown key '" + k.value + "' in the definition of '" + name + "'" + did_you_mean(k.value, definition_keys()));
    }
    if (!steps && !native) error(def.pos, "'" + name + "' has no `steps`");
  } else if (def.kind == YNode::Kind::Null) {
    steps = nullptr;
  } else {
    error(def.pos, "a definition is a list of steps, or a mapping with `params` and `steps`");
    return;
  }
  const std::string receiver = method ? implicit_method_param(def) : "";
  if (!receiver.empty() && !(params && params->kind == YNode::Kind::Seq && !params->items.empty() &&
                             params->items[0].is_scalar() && params->items[0].value == receiver)) {
    // `self` (or `cls`) is implicit in a method's params (writing it is allowed too).
    symtable_.bind_param(scope_, receiver);
    code->params.push_back(receiver);
    code->param_defaults.push_back(nullptr);
  }
  if (params) compile_params(*params, *code, nested_defaults);
  if (native) {
    compile_native_body(*code, *native);
    return;
  }
  if (steps) compile_steps(*steps);
  // Falling off the end returns None.
  emit(Instr{Op::Return}, def.pos.line ? last_line(code) : 0);
  // `await` only where Python allows it; names are resolved with the
  // whole definition (resolve_definition).
  for (auto& e : code->exprs) rewrite_supers(*e);
  for (auto& e : code->exprs) check_awaits(*e);
}

void Compiler::compile_native_body(CodeObject& code, const YNode& name) {
  const NativeDef* nd = name.is_scalar() ? find_native(name.value) : nullptr;
  if (!nd || (nd->step != nullptr) != code.is_coroutine) {
    error(name.pos, "no native " + std::string(code.is_coroutine ? "coroutine" : "function") + " '" + name.value + "'");
    return;
  }
  code.native = nd;
  for (int i = 0; i < nd->nlocals; ++i) hidden_slot("native");
  int result = hidden_slot("result");
  auto ret = std::make_unique<Expr>(ExprKind::Name, name.pos);
  ret->name = code.slot_names[size_t(result)];
  ret->scope = Scope::Local;
  ret->slot = result;
  emit(Instr{Op::Native, result}, name.pos.line);
  Instr r{Op::Return};
  r.e = code.own(std::move(ret));
  emit(r, name.pos.line);
}

void Compiler::resolve_definition(SymScope* root) {
  for (size_t i = 0; i < pending_.size(); ++i) {
    CodeObject* code = pending_[i].code;
    for (size_t j = 0; j < code->exprs.size(); ++j) collect_root(*code->exprs[j], pending_[i].scope);
  }
  pending_.clear();
  finish_resolution(root);
}

void Compiler::finish_resolution(SymScope* root) {
  std::vector<SymError> errs;
  symtable_.analyze(root, errs);
  for (auto& e : errs) error(e.pos, e.message, e.hint);
  for (auto& u : symtable_.uses()) resolve_name(*u.name, u.scope, u.root);
  symtable_.clear_uses();
  for (const Expr* attr : module_attrs_) check_module_attr(*attr);
  module_attrs_.clear();
  symtable_.forget(root);
}

std::vector<ExprPtr> Compiler::decorator_exprs(const YNode& list) {
  std::vector<ExprPtr> out;
  if (list.kind != YNode::Kind::Seq || list.items.empty()) {
    error(list.pos, "`decorators` is a list of expressions, outermost first: decorators: [contextlib.asynccontextmanager]",
          "Python: @EXPR lines above the def, one per decorator");
    return out;
  }
  for (auto& d : list.items) {
    if (!d.is_scalar()) { error(d.pos, "a decorator is an expression such as `contextlib.contextmanager`"); continue; }
    if (ExprPtr e = expression(d, "decorator")) out.push_back(std::move(e));
  }
  return out;
}

// A top-level definition's: evaluated in module scope when the definitions are made.
void Compiler::compile_decorators(const YNode& list, CodeObject& code) {
  for (ExprPtr& e : decorator_exprs(list)) {
    CodeObject* saved = current_;
    current_ = module_;
    resolve_root(*e);
    current_ = saved;
    code.decorators.push_back(module_->own(std::move(e)));
  }
}

void Compiler::compile_params(const YNode& params, CodeObject& code, std::vector<ExprPtr>* nested_defaults) {
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
    const bool varkw = name.size() > 1 && name[0] == '*' && name[1] == '*';
    const bool varargs = !varkw && !name.empty() && name[0] == '*';
    if (code.varkw_slot >= 0) {
      error(p.pos, "arguments cannot follow var-keyword argument", "Python: SyntaxError; **" +
                                                                      code.slot_names[size_t(code.varkw_slot)] + " comes last");
      continue;
    }
    if (varkw) {
      name = name.substr(2);
      if (dflt || p.kind == YNode::Kind::Map) { error(p.pos, "var-keyword argument cannot have default value"); continue; }
    } else if (varargs) {
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
    if (varkw) {
      code.varkw_slot = symtable_.bind_param(scope_, name);
      continue;
    }
    symtable_.bind_param(scope_, name);
    code.params.push_back(name);
    code.param_defaults.push_back(dflt);
  }
}

void Compiler::compile_script(const YNode& steps) {
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

void Compiler::declare_module_global(const std::string& name, SourcePos pos) {
  if (global_index(name) >= 0) return;
  if (builtin_index(name) >= 0) {
    error(pos, "'" + name + "' would hide the builtin of the same name; choose another name");
    return;
  }
  add_global(name, pos);
  prog_.globals.back().variable = true;
}

void Compiler::declare_global_statements(const YNode& n) {
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

std::vector<const YNode*> Compiler::global_names(const YNode& v) {
  std::vector<const YNode*> names;
  if (v.is_scalar()) names.push_back(&v);
  else if (v.kind == YNode::Kind::Seq)
    for (auto& item : v.items) if (item.is_scalar()) names.push_back(&item);
  return names;
}

bool Compiler::mentions_name(const Expr& e, const std::string& name) {
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

void Compiler::compile_global(const YNode& arg) {
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
                    (current_->varargs_slot >= 0 && current_->slot_names[size_t(current_->varargs_slot)] == name) ||
                    (current_->varkw_slot >= 0 && current_->slot_names[size_t(current_->varkw_slot)] == name);
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

int Compiler::declare_local(const std::string& name, SourcePos pos) {
  if (module_scope_) { declare_module_global(name, pos); return -1; }
  if (!scope_ || current_ == module_) return -1;
  return symtable_.bind(scope_, name, pos);
}

int Compiler::hidden_slot(const char* what) {
  int slot = int(current_->slot_names.size());
  current_->slot_names.push_back(std::string("<") + what + std::to_string(++hidden_counter_) + ">");
  return slot;
}

size_t Compiler::emit(Instr ins, int line) {
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

namespace {

std::unique_ptr<Program> compile_scenario_as(std::shared_ptr<const SourceFile> source, bool private_builtins) {
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
  c.private_builtins_ = private_builtins;
  c.compile(root);
  prog->source = std::move(source);
  return prog;
}

}  // namespace

std::unique_ptr<Program> compile_scenario(std::shared_ptr<const SourceFile> source) {
  return compile_scenario_as(std::move(source), false);
}

std::unique_ptr<Program> compile_scenario_with_private_builtins(std::shared_ptr<const SourceFile> source) {
  return compile_scenario_as(std::move(source), true);
}

}  // namespace corun
