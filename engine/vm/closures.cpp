// Functions as values: the functions `lambda` and the `def` step make, the
// cells they share with the frame that made them, generator expressions
// (lazy, in a frame of their own) and next().
#include "engine/compile/code.h"
#include "engine/python/builtins.h"
#include "engine/vm/closures.h"
#include "engine/vm/interp.h"

namespace corun {

// ---- closures ----------------------------------------------------------------------------

// A lambda or a nested def, made where the expression or step runs: its
// defaults evaluated now, in this frame (Python evaluates them once, at
// definition), and its closure the cells of this frame it uses.
Value Interp::make_function(const Expr& e, Frame& f) {
  const CodeObject* code = e.code;
  Ref<FunctionObj> fn(new FunctionObj(code));
  if (!e.kwargs.empty()) {
    fn->defaults.reserve(e.kwargs.size());
    for (auto& d : e.kwargs) fn->defaults.push_back(d ? eval(*d, f) : Value::unbound());
  }
  if (!code->closure_from.empty()) {
    fn->closure.reserve(code->closure_from.size());
    for (int slot : code->closure_from) fn->closure.push_back(f.slots[size_t(slot)]);
  }
  return Value(fn);
}

// At a frame's start, after its arguments are bound: captured variables get
// their cell (a captured parameter keeps its argument in it), free variables
// the closure's cells.
void Interp::install_closure(const FunctionObj& fn, Frame& frame) {
  const CodeObject* code = fn.code;
  for (int slot : code->cell_slots) {
    Value& v = frame.slots[size_t(slot)];
    v = Value(new CellObj(std::move(v)));
  }
  for (size_t i = 0; i < code->free_slots.size() && i < fn.closure.size(); ++i)
    frame.slots[size_t(code->free_slots[i])] = fn.closure[i];
}

// ---- names ------------------------------------------------------------------------------

const std::string& function_name(const FunctionObj& fn) {
  return fn.attrs && fn.attrs->names ? str_of(fn.attrs->names->items[0]) : fn.code->name;
}

const std::string& function_qualname(const FunctionObj& fn) {
  return fn.attrs && fn.attrs->names ? str_of(fn.attrs->names->items[1]) : fn.code->qualname;
}

const std::string& coro_name(const CoroObj& c) { return c.names ? str_of(c.names->items[0]) : c.frame.code->name; }

const std::string& coro_qualname(const CoroObj& c) {
  return c.names ? str_of(c.names->items[1]) : c.frame.code->qualname;
}

// ---- generator expressions -------------------------------------------------------------

// `(elt for x in it if c ...)`: the first iterable is evaluated now, in the
// enclosing frame (Python's rule); everything else runs when a consumer
// asks for the next item, in the generator's own frame.
Value make_genexpr(Interp& in, const Expr& e, Frame& f) {
  const CodeObject* code = e.code;
  Value first = in.get_iter(in.eval(*e.clauses[0].iter, f));
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Gen));
  it->gen_code = code;
  it->gen = std::make_unique<GenExprState>(&e, code);
  Frame& frame = it->gen->frame;
  for (int slot : code->cell_slots) frame.slots[size_t(slot)] = Value(new CellObj());
  for (size_t i = 0; i < code->free_slots.size(); ++i)
    frame.slots[size_t(code->free_slots[i])] = f.slots[size_t(code->closure_from[i])];
  it->gen->iters.push_back(std::move(first));
  return Value(it);
}

namespace {

// One step of the clause loops: the deepest clause's iterator gives the next
// item; an exhausted one hands back to the clause above it.
bool genexpr_advance(Interp& in, GenExprState& g, Value& out) {
  const Expr& e = *g.comp;
  Value item;
  while (!g.iters.empty()) {
    charge_step();
    size_t level = g.iters.size() - 1;
    if (!in.iter_next(g.iters[level], item)) {
      g.iters.pop_back();
      continue;
    }
    const CompClause& c = e.clauses[level];
    in.assign_target(*c.target, std::move(item), g.frame);
    bool ok = true;
    for (auto& cond : c.conds)
      if (!in.truthy(in.eval(*cond, g.frame))) { ok = false; break; }
    if (!ok) continue;
    if (level + 1 < e.clauses.size()) {
      g.iters.push_back(in.get_iter(in.eval(*e.clauses[level + 1].iter, g.frame)));
      continue;
    }
    out = in.eval(*e.kids[0], g.frame);
    return true;
  }
  return false;
}

}  // namespace

// next(genexpr): the next item, or false when it is exhausted. A generator
// that raised, or ended, is finished for good, as in Python.
bool genexpr_next(Interp& in, IteratorObj& it, Value& out) {
  if (!it.gen) return false;
  GenExprState& g = *it.gen;
  if (g.running) in.raise(in.builtins().ValueError, "generator already executing");
  g.running = true;
  bool got;
  try {
    got = genexpr_advance(in, g, out);
  } catch (...) {
    it.gen.reset();
    throw;
  }
  g.running = false;
  if (!got) it.gen.reset();
  return got;
}

}  // namespace corun
