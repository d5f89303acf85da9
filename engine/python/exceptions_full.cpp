// Exceptions in full: the attributes CPython's BaseException has beyond
// args (__suppress_context__, __traceback__, __notes__ and add_note,
// with_traceback, __dict__), BaseExceptionGroup's split, subgroup and
// derive, and what `except*` does with the exceptions its handlers raise
// (_PyExc_PrepReraiseStar). Ported from CPython 3.11's Objects/exceptions.c.
#include <set>

#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/vm/interp.h"
#include "engine/python/recursion.h"

namespace corun {

namespace {

bool is_group(Interp& in, const Value& v) {
  return v.is(ObjKind::Exception) && v.as<ExcObj>()->type->is_subclass_of(in.builtins().BaseExceptionGroup) &&
         v.as<ExcObj>()->args.size() == 2 && v.as<ExcObj>()->args[1].is(ObjKind::Tuple);
}
const std::vector<Value>& members(const Value& eg) { return eg.as<ExcObj>()->args[1].as<TupleObj>()->items; }

DictObj& exc_dict(ExcObj* e) {
  if (!e->attrs.is(ObjKind::Dict)) e->attrs = Value(new DictObj());
  return *e->attrs.as<DictObj>();
}
Value* notes_of(ExcObj* e) { return e->attrs.is(ObjKind::Dict) ? e->attrs.as<DictObj>()->find(make_str("__notes__")) : nullptr; }

// The object __traceback__ gives: what `tb is None` and with_traceback need.
TypeObj* traceback_type() {
  static TypeObj* t = [] {
    auto* ty = new TypeObj("traceback", "builtins", nullptr, TypeKind::Builtin);
    incref(ty);
    return ty;
  }();
  return t;
}

// ---- split and subgroup --------------------------------------------------------------

// How split() matches (exceptiongroup_split_check_match): a type or tuple of
// types, a predicate, or (for except*'s bookkeeping) a set of leaf identities.
struct Matcher {
  enum Kind { Type, Predicate, InstanceIds } kind;
  Value value;
  const std::set<const Object*>* ids = nullptr;
  bool matches(Interp& in, const Value& exc) const {
    switch (kind) {
      case Type: return in.exc_matches(exc, value);
      case Predicate: return in.truthy(in.call0(value, {exc}));
      case InstanceIds: return ids->count(exc.obj()) != 0;
    }
    return false;
  }
};

Matcher matcher_for(Interp& in, const Value& cond) {
  auto is_exc_type = [&](const Value& v) {
    return v.is(ObjKind::Type) && v.as<TypeObj>()->is_subclass_of(in.builtins().BaseException);
  };
  if (is_exc_type(cond)) return Matcher{Matcher::Type, cond};
  if (cond.is(ObjKind::Tuple)) {
    bool all = true;
    for (auto& t : cond.as<TupleObj>()->items) all &= is_exc_type(t);
    if (all) return Matcher{Matcher::Type, cond};
  } else if (cond.is(ObjKind::Function) || cond.is(ObjKind::Builtin) || cond.is(ObjKind::BoundMethod) ||
             has_user_dunder(cond, "__call__")) {
    return Matcher{Matcher::Predicate, cond};
  }
  in.raise(in.builtins().TypeError, "expected a function, exception type or tuple of exception types");
}

// exceptiongroup_subset: excs wrapped by orig.derive(), with orig's
// traceback, cause, context and a copy of its notes.
Value derive_group(Interp& in, const Value& orig, std::vector<Value> excs) {
  Value list = make_list(std::move(excs));
  Value derive = in.get_attr(orig, "derive");
  Value eg = in.call0(derive, {list});
  if (!is_group(in, eg)) in.raise(in.builtins().TypeError, "derive must return an instance of BaseExceptionGroup");
  ExcObj* o = orig.as<ExcObj>();
  ExcObj* g = eg.as<ExcObj>();
  g->traceback = o->traceback;
  g->context = o->context;
  g->cause = o->cause;
  g->suppress_context = true;  // PyException_SetCause sets it
  if (Value* notes = notes_of(o))
    if (notes->is(ObjKind::List) || notes->is(ObjKind::Tuple)) exc_dict(g).set(make_str("__notes__"), make_list(in.to_vector(*notes)));
  return eg;
}

// exceptiongroup_split_recursive: (match, rest), each None when empty.
std::pair<Value, Value> split_recursive(Interp& in, const Value& exc, const Matcher& m, bool construct_rest) {
  if (m.matches(in, exc)) return {exc, Value()};  // full match
  if (!is_group(in, exc)) return {Value(), exc};   // a leaf that does not match
  NativeRecursion guard(" in exceptiongroup_split_recursive");
  std::vector<Value> match, rest;
  for (const Value& e : std::vector<Value>(members(exc))) {
    auto [mm, rr] = split_recursive(in, e, m, construct_rest);
    if (!mm.is_none()) match.push_back(mm);
    if (construct_rest && !rr.is_none()) rest.push_back(rr);
  }
  Value match_eg = match.empty() ? Value() : derive_group(in, exc, std::move(match));
  Value rest_eg = rest.empty() ? Value() : derive_group(in, exc, std::move(rest));
  return {match_eg, rest_eg};
}

Value eg_split(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "BaseExceptionGroup.split() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  auto [m, r] = split_recursive(in, self, matcher_for(in, a.pos[0]), true);
  return make_tuple({m, r});
}

Value eg_subgroup(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "BaseExceptionGroup.subgroup() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  return split_recursive(in, self, matcher_for(in, a.pos[0]), false).first;
}

// BaseExceptionGroup.derive(excs): BaseExceptionGroup(self.message, excs),
// which is an ExceptionGroup when they are all Exceptions.
Value eg_derive(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "BaseExceptionGroup.derive() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  Value args[2] = {self.as<ExcObj>()->args[0], a.pos[0]};
  CallArgs ca;
  ca.pos = args;
  ca.npos = 2;
  return in.call(Value(in.builtins().BaseExceptionGroup), ca);
}

Value exc_add_note(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "BaseException.add_note() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  if (!a.pos[0].is(ObjKind::Str)) in.raise(in.builtins().TypeError, "note must be a str, not '" + in.type_of(a.pos[0])->name + "'");
  ExcObj* e = self.as<ExcObj>();
  Value* notes = notes_of(e);
  if (!notes) {
    exc_dict(e).set(make_str("__notes__"), make_list());
    notes = notes_of(e);
  }
  if (!notes->is(ObjKind::List)) in.raise(in.builtins().TypeError, "Cannot add note: __notes__ is not a list");
  notes->as<ListObj>()->items.push_back(a.pos[0]);
  return Value();
}

Value exc_with_traceback(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "BaseException.with_traceback() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  set_exception_attr(in, self, "__traceback__", a.pos[0]);
  return self;
}

// The identities of the leaf exceptions of a group (collect_exception_group_leaf_ids).
void leaf_ids(Interp& in, const Value& e, std::set<const Object*>& out) {
  if (!is_group(in, e)) { out.insert(e.obj()); return; }
  NativeRecursion guard(" in collect_exception_group_leaf_ids");
  for (auto& x : members(e)) leaf_ids(in, x, out);
}

// The part of eg whose leaves are leaves of the groups in keep (exception_group_projection).
Value projection(Interp& in, const Value& eg, const std::vector<Value>& keep) {
  std::set<const Object*> ids;
  for (auto& k : keep) leaf_ids(in, k, ids);
  Matcher m{Matcher::InstanceIds, Value(), &ids};
  return split_recursive(in, eg, m, false).first;
}

// A raised exception is a re-raise when it carries orig's metadata
// (is_same_exception_metadata): the same traceback, cause and context.
bool same_metadata(const ExcObj* a, const ExcObj* b) {
  if (a->traceback.size() != b->traceback.size()) return false;
  for (size_t i = 0; i < a->traceback.size(); ++i)
    if (a->traceback[i].code != b->traceback[i].code || a->traceback[i].line != b->traceback[i].line) return false;
  return a->cause.same(b->cause) && a->context.same(b->context);
}

// _prep_reraise_star(orig, excs): what a try/except* raises once its
// handlers ran. excs holds what each handler raised and, last, the unhandled
// rest (None entries are skipped). Re-raised parts keep orig's structure;
// new exceptions are combined with them into ExceptionGroup("", [...]).
Value h_prep_reraise_star(Interp& in, const Value&, CallArgs& a) {
  const Value& orig = a.pos[0];
  std::vector<Value> excs = in.to_vector(a.pos[1]);
  if (excs.empty()) return Value();
  if (!is_group(in, orig)) {
    // A naked exception was caught and wrapped: at most one handler ran.
    for (auto& e : excs) if (!e.is_none()) return e;
    return Value();
  }
  std::vector<Value> raised, reraised;
  for (auto& e : excs) {
    if (e.is_none()) continue;
    (same_metadata(e.as<ExcObj>(), orig.as<ExcObj>()) ? reraised : raised).push_back(e);
  }
  Value reraised_eg = projection(in, orig, reraised);
  if (raised.empty()) return reraised_eg;
  if (!reraised_eg.is_none()) raised.push_back(reraised_eg);
  Value args[2] = {make_str(""), make_list(std::move(raised))};
  CallArgs ca;
  ca.pos = args;
  ca.npos = 2;
  return in.call(Value(in.builtins().BaseExceptionGroup), ca);
}

}  // namespace

bool exception_attr(Interp& in, const Value& exc, const std::string& name, Value& out) {
  ExcObj* e = exc.as<ExcObj>();
  auto bound = [&](const char* n, Builtin fn) { out = Value(new BuiltinObj(n, fn, exc)); return true; };
  if (name == "__suppress_context__") { out = Value::boolean(e->suppress_context); return true; }
  if (name == "__traceback__") {
    out = e->traceback.empty() ? Value() : Value(new InstanceObj(traceback_type()));
    return true;
  }
  if (name == "__dict__") { out = Value(&exc_dict(e)); return true; }
  if (name == "add_note") return bound("add_note", exc_add_note);
  if (name == "with_traceback") return bound("with_traceback", exc_with_traceback);
  if (is_group(in, exc)) {
    if (name == "split") return bound("split", eg_split);
    if (name == "subgroup") return bound("subgroup", eg_subgroup);
    if (name == "derive") return bound("derive", eg_derive);
  }
  return false;
}

bool set_exception_attr(Interp& in, const Value& exc, const std::string& name, const Value& v) {
  ExcObj* e = exc.as<ExcObj>();
  if (name == "__cause__" || name == "__context__") {
    if (!v.is_none() && !v.is(ObjKind::Exception))
      in.raise(in.builtins().TypeError, std::string("exception ") + (name == "__cause__" ? "cause" : "context") +
                                            " must be None or derive from BaseException");
    if (name == "__cause__") {
      e->cause = v;
      e->suppress_context = true;
    } else {
      e->context = v;
    }
    return true;
  }
  if (name == "__suppress_context__") { e->suppress_context = in.truthy(v); return true; }
  if (name == "__traceback__") {
    if (v.is_none()) e->traceback.clear();
    else if (!(v.is(ObjKind::Instance) && v.as<InstanceObj>()->type == traceback_type()))
      in.raise(in.builtins().TypeError, "__traceback__ must be a traceback or None");
    return true;
  }
  if (name == "args") { e->args = in.to_vector(v); return true; }
  return false;
}

// except* takes the part of the exception that matches a handler's types
// (exception_group_match): the group's own split(), or a naked exception
// wrapped in ExceptionGroup("", [exc]).
std::pair<Value, Value> except_star_split(Interp& in, const Value& exc, const Value& types) {
  if (!is_group(in, exc)) {
    if (!in.exc_matches(exc, types)) return {Value(), exc};
    bool is_exception = exc.as<ExcObj>()->type->is_subclass_of(in.builtins().Exception);
    TypeObj* t = is_exception ? in.builtins().ExceptionGroup : in.builtins().BaseExceptionGroup;
    Value wrapped = in.make_exception_args(t, {make_str(""), make_tuple({exc})});
    wrapped.as<ExcObj>()->group_from_tuple = true;  // _PyExc_CreateExceptionGroup("", (exc,))
    return {wrapped, Value()};
  }
  if (in.exc_matches(exc, types)) return {exc, Value()};
  Value split = in.get_attr(exc, "split");
  Value pair = in.call0(split, {types});
  std::vector<Value> parts = pair.is(ObjKind::Tuple) ? pair.as<TupleObj>()->items : std::vector<Value>{};
  if (parts.size() != 2) in.raise(in.builtins().TypeError, "X.split must return a 2-tuple, got " + in.type_of(pair)->name);
  return {parts[0], parts[1]};
}

void add_exception_helpers(Interp&, Builtins& b) {
  b.values[size_t(builtin_index("_prep_reraise_star"))] = Value(new BuiltinObj("_prep_reraise_star", h_prep_reraise_star));
}

}  // namespace corun
