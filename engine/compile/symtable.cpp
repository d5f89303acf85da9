// Scope analysis (see symtable.h). The rules and the messages are CPython's
// (Python/symtable.c: analyze_name, symtable_visit_stmt's Nonlocal_kind).
#include "engine/compile/symtable.h"

#include <algorithm>

#include "engine/compile/code.h"

namespace corun {

namespace {

int new_slot(CodeObject* code, const std::string& name) {
  int slot = int(code->slot_names.size());
  code->slot_names.push_back(name);
  return slot;
}

bool before(SourcePos a, SourcePos b) { return a.line < b.line || (a.line == b.line && a.col < b.col); }

}  // namespace

SymScope* SymTable::new_root(SymScope::Kind kind, CodeObject* code) {
  roots_.push_back(std::make_unique<SymScope>(kind, nullptr, code));
  return roots_.back().get();
}

int SymTable::bind(SymScope* s, const std::string& name, SourcePos pos) {
  Symbol& sym = s->symbols[name];
  if (sym.nonlocal || sym.global) return -1;
  if (!sym.bound) {
    sym.bound = true;
    sym.first_bind = pos;
    sym.slot = new_slot(s->code, name);
  }
  return sym.slot;
}

int SymTable::bind_param(SymScope* s, const std::string& name) {
  Symbol& sym = s->symbols[name];
  sym.bound = sym.param = true;
  sym.slot = new_slot(s->code, name);
  return sym.slot;
}

int SymTable::bind_comp(SymScope* s, const std::string& name) {
  Symbol& sym = s->symbols[name];
  if (!sym.bound) {
    sym.bound = true;
    sym.slot = new_slot(s->code, "<comp " + name + ">");
  }
  return sym.slot;
}

void SymTable::declare_nonlocal(SymScope* s, const std::string& name, SourcePos pos, std::vector<SymError>& errors) {
  Symbol& sym = s->symbols[name];
  if (sym.param) { errors.push_back({pos, "name '" + name + "' is parameter and nonlocal", ""}); return; }
  if (sym.global) { errors.push_back({pos, "name '" + name + "' is nonlocal and global", ""}); return; }
  if (sym.bound) {
    errors.push_back({pos, "name '" + name + "' is assigned to before nonlocal declaration",
                      "put `nonlocal: " + name + "` before the first step that assigns it"});
    return;
  }
  if (!s->parent) {
    errors.push_back({pos, "no binding for nonlocal '" + name + "' found",
                      "nonlocal names a variable of an enclosing function; a definition at the top level has none"});
    return;
  }
  if (!sym.nonlocal) {
    sym.nonlocal = true;
    sym.decl = pos;
  }
}

void SymTable::declare_global(SymScope* s, const std::string& name, SourcePos pos, std::vector<SymError>& errors) {
  Symbol& sym = s->symbols[name];
  if (sym.param) { errors.push_back({pos, "name '" + name + "' is parameter and global", ""}); return; }
  if (sym.nonlocal) { errors.push_back({pos, "name '" + name + "' is nonlocal and global", ""}); return; }
  if (sym.bound) { errors.push_back({pos, "name '" + name + "' is assigned to before global declaration", ""}); return; }
  if (!sym.global) {
    sym.global = true;
    sym.decl = pos;
  }
}

// A free variable of `frame`: a slot its closure fills when the frame starts.
void SymTable::add_free(SymScope* frame, const std::string& name) {
  Symbol& sym = frame->symbols[name];
  if (sym.free) return;
  sym.free = true;
  sym.slot = new_slot(frame->code, name);
  frame->frees.push_back(name);
}

// `name`, read in `s` and not bound there: the nearest enclosing function
// scope that binds it makes it a cell, and every frame in between passes it
// on as a free variable. (Class bodies would be skipped; corun's methods are
// top-level definitions, so none is ever in the way.)
void SymTable::capture(SymScope* s, const std::string& name, SourcePos pos, bool for_nonlocal,
                       std::vector<SymError>& errors) {
  SymScope* f0 = s->frame();
  for (SymScope* p = f0->parent; p; p = p->parent) {
    auto it = p->symbols.find(name);
    if (it == p->symbols.end()) continue;
    Symbol& sym = it->second;
    if (sym.global) break;
    if (!sym.bound && !sym.free && !sym.nonlocal) continue;
    if (sym.bound) {
      if (!sym.cell) {
        sym.cell = true;
        if (p->is_frame()) p->code->cell_slots.push_back(sym.slot);
        else p->comp->fresh_cells.push_back(sym.slot);
      }
    } else if (p->is_frame()) {
      capture(p, name, pos, for_nonlocal, errors);  // p passes on a cell of its own enclosing scope
      if (!p->symbols[name].free) return;
    }
    for (SymScope* q = s; q != p; q = q->parent)
      if (q->is_frame()) add_free(q, name);
    return;
  }
  if (for_nonlocal)
    errors.push_back({pos, "no binding for nonlocal '" + name + "' found",
                      "nonlocal names a variable assigned in an enclosing function (a `set:` or a parameter there)"});
}

void SymTable::analyze(SymScope* root, std::vector<SymError>& errors) {
  // nonlocal declarations first: each must find its binding.
  std::vector<SymScope*> stack{root};
  while (!stack.empty()) {
    SymScope* s = stack.back();
    stack.pop_back();
    for (auto& [name, sym] : s->symbols)
      if (sym.nonlocal && !sym.free) capture(s, name, sym.decl, true, errors);
    for (auto& c : s->children) stack.push_back(c.get());
  }
  for (const Use& u : uses_) {
    const std::string& name = u.name->name;
    // A use before the scope's own nonlocal declaration is CPython's error.
    SymScope* f = u.scope;
    if (f->is_frame()) {
      auto it = f->symbols.find(name);
      if (it != f->symbols.end() && it->second.nonlocal && before(u.name->pos, it->second.decl))
        errors.push_back({u.name->pos, "name '" + name + "' is used prior to nonlocal declaration",
                          "put `nonlocal: " + name + "` before the first step that uses it"});
    }
    // Bound in its own scope chain (comprehensions, then the frame)?
    bool bound = false;
    for (SymScope* s = u.scope;; s = s->parent) {
      auto it = s->symbols.find(name);
      if (it != s->symbols.end() && (it->second.bound || it->second.free || it->second.global || it->second.nonlocal)) {
        bound = true;
        break;
      }
      if (s->is_frame()) break;
    }
    if (!bound) capture(u.scope, name, u.name->pos, false, errors);
  }
  finish(root);
}

// Each frame's closure layout: which slot of the defining frame holds the
// cell for each of its free variables.
void SymTable::finish(SymScope* s) {
  if (s->is_frame() && !s->frees.empty()) {
    CodeObject* code = s->code;
    code->free_slots.clear();
    code->closure_from.clear();
    for (auto& name : s->frees) {
      code->free_slots.push_back(s->symbols[name].slot);
      Answer outer = lookup(s->parent, name);
      code->closure_from.push_back(outer.slot);
    }
  }
  for (auto& c : s->children) finish(c.get());
}

void SymTable::forget(SymScope* root) {
  for (size_t i = roots_.size(); i-- > 0;)
    if (roots_[i].get() == root) {
      roots_.erase(roots_.begin() + long(i));
      return;
    }
}

SymTable::Answer SymTable::lookup(SymScope* s, const std::string& name) const {
  for (SymScope* p = s; p; p = p->parent) {
    auto it = p->symbols.find(name);
    if (it != p->symbols.end()) {
      const Symbol& sym = it->second;
      if (sym.global) return {SymKind::GlobalExplicit, -1};
      if (sym.free) return {SymKind::Free, sym.slot};
      if (sym.bound) return {sym.cell ? SymKind::Cell : SymKind::Local, sym.slot};
    }
    if (p->is_frame()) break;
  }
  return {SymKind::GlobalImplicit, -1};
}

}  // namespace corun
