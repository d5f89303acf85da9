// Functions as values: the functions `lambda` and the `def` step make, the
// cells they share with the frame that made them, generator expressions
// (lazy, in a frame of their own), next(), and functools.partial.
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

// ---- functools.partial ------------------------------------------------------------------

namespace {

TypeObj* g_partial_type = nullptr;  // set when the module is made, for this run

// Lib/functools.py's partial: func, args, keywords; a partial of a partial
// is flattened into one, as partial.__new__ does.
Value partial_new(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 1) in.raise(in.builtins().TypeError, "type 'partial' takes at least one argument");
  Value func = a.pos[0];
  std::vector<Value> args;
  Ref<DictObj> keywords(new DictObj());
  if (func.is(ObjKind::Instance) && func.as<InstanceObj>()->type == g_partial_type) {
    InstanceObj* inner = func.as<InstanceObj>();
    args = inner->find("args")->as<TupleObj>()->items;
    keywords->assign(*inner->find("keywords")->as<DictObj>());
    func = *inner->find("func");
  }
  bool callable = func.is(ObjKind::Function) || func.is(ObjKind::Builtin) || func.is(ObjKind::BoundMethod) ||
                  func.is(ObjKind::Type) ||
                  (func.is(ObjKind::Instance) && func.as<InstanceObj>()->type->find_attr("__call__"));
  if (!callable) in.raise(in.builtins().TypeError, "the first argument must be callable");
  for (size_t i = 1; i < a.npos; ++i) args.push_back(a.pos[i]);
  for (size_t i = 0; i < a.nkw; ++i) keywords->set(make_str(a.kwnames[i]), a.kw[i]);
  Ref<InstanceObj> p(new InstanceObj(g_partial_type));
  static const std::string* const kNames[] = {intern_field_name("func"), intern_field_name("args"), intern_field_name("keywords")};
  p->fields.emplace_back(kNames[0], func);
  p->fields.emplace_back(kNames[1], make_tuple(std::move(args)));
  p->fields.emplace_back(kNames[2], Value(keywords));
  return Value(p);
}

// partial(*args, **keywords)(...): func(*args, *more, **{**keywords, **more_kw}).
Value partial_call(Interp& in, const Value& self, CallArgs& a) {
  InstanceObj* p = self.as<InstanceObj>();
  const auto& bound = p->find("args")->as<TupleObj>()->items;
  std::vector<Value> pos(bound);
  pos.insert(pos.end(), a.pos, a.pos + a.npos);
  std::vector<std::string> names;
  std::vector<Value> values;
  for (auto& [k, v] : p->find("keywords")->as<DictObj>()->entries) {
    names.push_back(str_of(k));
    values.push_back(v);
  }
  for (size_t i = 0; i < a.nkw; ++i) {
    auto at = std::find(names.begin(), names.end(), a.kwnames[i]);
    if (at != names.end()) values[size_t(at - names.begin())] = a.kw[i];
    else {
      names.push_back(a.kwnames[i]);
      values.push_back(a.kw[i]);
    }
  }
  CallArgs call;
  call.pos = pos.data();
  call.npos = pos.size();
  call.kwnames = names.data();
  call.kw = values.data();
  call.nkw = values.size();
  return in.call(*p->find("func"), call, nullptr);
}

// functools.partial(<built-in function print>, 'Future:', sep='-')
Value partial_repr(Interp& in, const Value& self, CallArgs&) {
  InstanceObj* p = self.as<InstanceObj>();
  std::string s = "functools.partial(" + in.repr(*p->find("func"));
  for (auto& v : p->find("args")->as<TupleObj>()->items) s += ", " + in.repr(v);
  for (auto& [k, v] : p->find("keywords")->as<DictObj>()->entries) s += ", " + str_of(k) + "=" + in.repr(v);
  return make_str(s + ")");
}

}  // namespace

Value make_functools_module(Interp&, Builtins& b) {
  auto* t = new TypeObj("partial", "functools", b.object, TypeKind::Builtin);
  b.owned.push_back(Value(t));
  t->ctor = partial_new;
  t->class_attrs.emplace_back("__call__", Value(new BuiltinObj("__call__", partial_call)));
  t->class_attrs.emplace_back("__repr__", Value(new BuiltinObj("__repr__", partial_repr)));
  g_partial_type = t;
  Ref<ModuleObj> m(new ModuleObj("functools"));
  m->attrs.emplace_back("partial", Value(t));
  return Value(m);
}

}  // namespace corun
