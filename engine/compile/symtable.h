// Scope analysis, modelled on CPython's Python/symtable.c: for every
// function, coroutine, lambda, generator expression and comprehension, which
// names are local, cell (local and captured by an inner scope), free (a cell
// of an enclosing function), declared global, or left to the module's
// globals and the builtins.
//
// The compiler feeds it as it reads a definition (parameters, assignment
// targets, `nonlocal` declarations, the names each expression uses); when a
// top-level definition is complete, analyze() decides what each inner scope
// captures -- a closure needs the whole of its enclosing scope's bindings,
// wherever the assignment is written -- and lookup() then answers, name by
// name, where the compiler should point an expression.
//
// Comprehensions (list, dict) keep their variables in hidden slots of the
// enclosing frame, as CPython 3.12 inlines them (PEP 709); they are still
// their own scope: their variables do not leak. Generator expressions are
// lazy, so they have a frame of their own.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/load/expr.h"

namespace corun {

struct CodeObject;

enum class SymKind : uint8_t { Local, Cell, Free, GlobalImplicit, GlobalExplicit };

struct Symbol {
  int slot = -1;          // in the frame of the scope (comprehensions: the enclosing frame)
  bool bound = false;     // a parameter, or assigned in this scope
  bool param = false;
  bool cell = false;      // bound here and captured by an inner scope
  bool free = false;      // a cell of an enclosing scope (nonlocal, or read from inside)
  bool nonlocal = false;  // declared `nonlocal` here
  bool global = false;    // declared `global` here (GLOBAL_EXPLICIT)
  SourcePos decl;         // where nonlocal/global was declared
  SourcePos first_bind;   // where it was first assigned
};

struct SymScope {
  enum class Kind : uint8_t { Function, Lambda, GenExpr, Comprehension };
  Kind kind;
  SymScope* parent;   // null: the module is the enclosing scope
  CodeObject* code;   // the frame's code (for a comprehension: the enclosing frame's)
  Expr* comp = nullptr;  // Comprehension: its expression (captured variables get a fresh cell per run)
  std::map<std::string, Symbol> symbols;
  std::vector<std::string> frees;  // free variables in slot order (frames only)
  std::vector<std::unique_ptr<SymScope>> children;
  bool is_module = false;  // stands for the module, for expressions outside any definition

  SymScope(Kind k, SymScope* p, CodeObject* c) : kind(k), parent(p), code(c) {}
  bool is_frame() const { return kind != Kind::Comprehension; }
  SymScope* frame() {
    SymScope* s = this;
    while (!s->is_frame()) s = s->parent;
    return s;
  }
  SymScope* add_child(Kind k, CodeObject* c) {
    children.push_back(std::make_unique<SymScope>(k, this, c));
    return children.back().get();
  }
};

// A Python SyntaxError found by the analysis, reported as file:line:col.
struct SymError {
  SourcePos pos;
  std::string message;
  std::string hint;
};

class SymTable {
 public:
  // The scope of a top-level definition; its enclosing scope is the module.
  SymScope* new_root(SymScope::Kind kind, CodeObject* code);

  // A local of `s`: a new slot the first time (-1 when `s` declared the name
  // nonlocal or global: then the assignment goes there).
  int bind(SymScope* s, const std::string& name, SourcePos pos);
  int bind_param(SymScope* s, const std::string& name);
  // A comprehension variable: a hidden slot of the enclosing frame.
  int bind_comp(SymScope* s, const std::string& name);
  void declare_nonlocal(SymScope* s, const std::string& name, SourcePos pos, std::vector<SymError>& errors);
  void declare_global(SymScope* s, const std::string& name, SourcePos pos, std::vector<SymError>& errors);
  // `e` (a Name) is read or written inside scope `s`; `root` is the whole
  // expression it is part of (for the compiler's hints).
  void use(SymScope* s, Expr* e, const Expr* root) { uses_.push_back(Use{s, e, root}); }

  // Decides every capture under `root` (a top-level definition, or the
  // module's stand-in), allocates free slots and cells, and fills each
  // code's closure layout. Reports nonlocal errors. The uses stay available
  // until clear_uses().
  void analyze(SymScope* root, std::vector<SymError>& errors);

  struct Answer {
    SymKind kind;
    int slot;  // Local/Cell/Free: the frame slot
  };
  Answer lookup(SymScope* s, const std::string& name) const;

  struct Use {
    SymScope* scope;
    Expr* name;
    const Expr* root;
  };
  const std::vector<Use>& uses() const { return uses_; }
  void clear_uses() { uses_.clear(); }
  // Frees a resolved root and every scope under it.
  void forget(SymScope* root);

 private:
  void capture(SymScope* s, const std::string& name, SourcePos pos, bool for_nonlocal, std::vector<SymError>& errors);
  void add_free(SymScope* frame, const std::string& name);
  void finish(SymScope* s);
  std::vector<std::unique_ptr<SymScope>> roots_;
  std::vector<Use> uses_;
};

}  // namespace corun
