// The `collections` module as CPython 3.11 has it: deque and defaultdict
// from Modules/_collectionsmodule.c, OrderedDict from Objects/odictobject.c,
// Counter and namedtuple from Lib/collections/__init__.py -- each step of
// theirs in the order they take it, so that the same calls print the same
// values and raise the same errors.
#include "engine/python/collections_module.h"

#include <algorithm>

#include "engine/python/attrs.h"
#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/python/dict_views.h"
#include "engine/python/method_args.h"
#include "engine/python/recursion.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

[[noreturn]] void type_error(Interp& in, const std::string& m) { in.raise(in.builtins().TypeError, m); }

DictObj* dict_of(const Value& v) { return v.as<DictObj>(); }

// dict_update_arg: a dict's entries, or an iterable of pairs, with
// dict()'s messages.
void dict_fill(Interp& in, DictObj& d, const Value& arg) {
  if (arg.is(ObjKind::Dict)) {
    std::vector<std::pair<Value, Value>> entries = dict_of(arg)->entries;
    charge(entries.size());
    for (auto& [k, v] : entries) d.set(k, v);
    return;
  }
  Value it = in.get_iter(arg), item;
  for (size_t i = 0; in.iter_next(it, item); ++i) {
    charge_step();
    if (!(item.is(ObjKind::List) || item.is(ObjKind::Tuple) || item.is(ObjKind::Str) || item.is(ObjKind::Deque) ||
          item.is(ObjKind::Dict) || item.is(ObjKind::Set) || item.is(ObjKind::Range) || item.is(ObjKind::Iterator) ||
          item.is(ObjKind::DictView) || item.is(ObjKind::Bytes)))
      type_error(in, "cannot convert dictionary update sequence element #" + std::to_string(i) + " to a sequence");
    std::vector<Value> kv = in.to_vector(item);
    if (kv.size() != 2)
      in.raise(in.builtins().ValueError, "dictionary update sequence element #" + std::to_string(i) + " has length " +
                                             std::to_string(kv.size()) + "; 2 is required");
    d.set(kv[0], kv[1]);
  }
}

void set_keywords(DictObj& d, CallArgs& a) {
  for (size_t i = 0; i < a.nkw; ++i) d.set(make_str(a.kwnames[i]), a.kw[i]);
}

// ---- defaultdict ---------------------------------------------------------------------------

DefaultDictObj* ddict(const Value& v) { return static_cast<DefaultDictObj*>(v.as<DictObj>()); }

// defdict_init: the first argument is the factory; the rest are dict()'s.
Value defaultdict_new(Interp& in, const Value&, CallArgs& a) {
  Ref<DefaultDictObj> d(new DefaultDictObj());
  size_t first = 0;
  if (a.npos > 0) {
    if (!a.pos[0].is_none() && !is_callable(in, a.pos[0])) type_error(in, "first argument must be callable or None");
    d->factory = a.pos[0];
    first = 1;
  }
  if (a.npos - first > 1) type_error(in, "dict expected at most 1 argument, got " + std::to_string(a.npos - first));
  if (a.npos - first == 1) dict_fill(in, *d, a.pos[first]);
  set_keywords(*d, a);
  return Value(Ref<DictObj>(d.get()));
}

Value defaultdict_missing(Interp& in, const Value& self, const Value& key) {
  Value factory = ddict(self)->factory;
  if (factory.is_none()) throw PyException{in.make_exception_args(in.builtins().KeyError, {key})};
  Value v = in.call0(factory, {});
  dict_of(self)->set(key, v);
  return v;
}

// ---- Counter ---------------------------------------------------------------------------------

// self[elem] for a Counter: its count, or 0 (Counter.__missing__).
Value count_of(DictObj* d, const Value& key) {
  Value* v = d->find(key);
  return v ? *v : Value::integer(0);
}

// Counter.update / Counter.subtract (and __init__'s update): a mapping's
// counts added (subtracted), or each element of an iterable counted once.
void counter_add(Interp& in, DictObj* d, const Value& arg, bool subtract) {
  if (arg.is_none()) return;
  if (arg.is(ObjKind::Dict)) {
    std::vector<std::pair<Value, Value>> entries = dict_of(arg)->entries;
    charge(entries.size());
    if (!subtract && d->entries.empty()) {  // the fast path: super().update(iterable)
      for (auto& [k, v] : entries) d->set(k, v);
      return;
    }
    for (auto& [k, count] : entries) {
      charge_step();
      Value have = count_of(d, k);  // self.get(elem, 0)
      d->set(k, subtract ? in.binary_op(BinOp::Sub, have, count) : in.binary_op(BinOp::Add, count, have));
    }
    return;
  }
  Value it = in.get_iter(arg), elem;
  while (in.iter_next(it, elem)) {
    charge_step();
    Value have = count_of(d, elem);
    d->set(elem, in.binary_op(subtract ? BinOp::Sub : BinOp::Add, have, Value::integer(1)));
  }
}

void counter_add_call(Interp& in, DictObj* d, CallArgs& a, const char* qualname, bool subtract) {
  if (a.npos > 1)
    type_error(in, std::string(qualname) + "() takes from 1 to 2 positional arguments but " + std::to_string(a.npos + 1) + " were given");
  if (a.npos == 1) counter_add(in, d, a.pos[0], subtract);
  if (a.nkw) {
    Ref<DictObj> kw(new DictObj());
    set_keywords(*kw, a);
    counter_add(in, d, Value(kw), subtract);
  }
}

Value counter_new(Interp& in, const Value&, CallArgs& a) {
  Ref<DictObj> d = new_dict_like(DictObj::Flavor::Counter);
  counter_add_call(in, d.get(), a, "Counter.__init__", false);
  return Value(d);
}

Value pair(const std::pair<Value, Value>& kv) { return make_tuple({kv.first, kv.second}); }

// Counter.most_common(n=None): all items sorted, or heapq.nlargest(n, ...):
// for n == 1 max() (the first of the largest), n at least the size
// sorted()[:n], else the n largest in the same order (none for n <= 0).
Value counter_most_common(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos > 1)
    type_error(in, "Counter.most_common() takes from 1 to 2 positional arguments but " + std::to_string(a.npos + 1) + " were given");
  for (size_t k = 0; k < a.nkw; ++k)
    if (a.kwnames[k] != "n" || a.npos) {
      if (a.kwnames[k] == "n") type_error(in, "Counter.most_common() got multiple values for argument 'n'");
      type_error(in, "Counter.most_common() got an unexpected keyword argument '" + a.kwnames[k] + "'");
    }
  const Value* np = arg_or_kw(a, 0, "n");
  DictObj* d = dict_of(self);
  auto as_list = [](const std::vector<std::pair<Value, Value>>& items, size_t n) {
    std::vector<Value> out;
    for (size_t i = 0; i < items.size() && i < n; ++i) out.push_back(pair(items[i]));
    return make_list(std::move(out));
  };
  if (!np || np->is_none()) return as_list(counter_sorted(in, d), SIZE_MAX);
  const Value& n = *np;
  if (values_equal(n, Value::integer(1))) {  // max(items, key=itemgetter(1), default=sentinel)
    std::vector<std::pair<Value, Value>> items = d->entries;
    if (items.empty()) return make_list();
    size_t best = 0;
    for (size_t i = 1; i < items.size(); ++i) {
      charge_step();
      if (in.compare(CmpOp::Gt, items[i].second, items[best].second)) best = i;
    }
    return make_list({pair(items[best])});
  }
  const Value size = Value::integer(int64_t(d->entries.size()));
  if (in.compare(CmpOp::Ge, n, size)) {  // sorted(iterable, key=key, reverse=True)[:n]
    std::vector<std::pair<Value, Value>> sorted = counter_sorted(in, d);
    if (!n.is_integer()) type_error(in, "slice indices must be integers or None or have an __index__ method");
    return as_list(sorted, SIZE_MAX);
  }
  if (!n.is_integer()) type_error(in, "'" + in.type_of(n)->name + "' object cannot be interpreted as an integer");
  if (n.is_bigint() || n.as_int() <= 0) return make_list();
  return as_list(counter_sorted(in, d), size_t(n.as_int()));
}

// Counter.elements(): chain.from_iterable(starmap(repeat, self.items())),
// as Lib/collections does it (lazy, over the live items).
Value counter_elements(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos || a.nkw) type_error(in, "Counter.elements() takes 1 positional argument but " + std::to_string(a.npos + 1) + " were given");
  const Value& itertools = in.builtins().values[size_t(builtin_index("itertools"))];
  const ModuleObj* m = itertools.as<ModuleObj>();
  Value starmap = in.call0(*m->find("starmap"), {*m->find("repeat"), Value(new DictViewObj(DictViewObj::Items, self))});
  Value from_iterable = in.get_attr(*m->find("chain"), "from_iterable");
  return in.call0(from_iterable, {starmap});
}

Value counter_total(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos || a.nkw) type_error(in, "Counter.total() takes 1 positional argument but " + std::to_string(a.npos + 1) + " were given");
  std::vector<std::pair<Value, Value>> items = dict_of(self)->entries;
  Value sum = Value::integer(0);
  for (auto& kv : items) {
    charge_step();
    sum = in.binary_op(BinOp::Add, sum, kv.second);
  }
  return sum;
}

// ---- OrderedDict -----------------------------------------------------------------------------

// OrderedDict.move_to_end(key, last=True)
Value odict_move_to_end(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos + a.nkw > 2) type_error(in, "move_to_end() takes at most 2 arguments (" + std::to_string(a.npos + a.nkw) + " given)");
  const Value* key = a.npos > 0 ? &a.pos[0] : nullptr;
  const Value* last = a.npos > 1 ? &a.pos[1] : nullptr;
  for (size_t k = 0; k < a.nkw; ++k) {
    const std::string& kw = a.kwnames[k];
    if (kw == "key" && !key) key = &a.kw[k];
    else if (kw == "last" && !last) last = &a.kw[k];
    else if (kw == "key" || kw == "last")
      type_error(in, "argument for move_to_end() given by name ('" + kw + "') and position (" + (kw == "key" ? "1" : "2") + ")");
    else type_error(in, "move_to_end() got an unexpected keyword argument '" + kw + "'");
  }
  if (!key) type_error(in, "move_to_end() missing required argument 'key' (pos 1)");
  bool at_end = last ? in.truthy(*last) : true;
  if (!dict_of(self)->move_to_end(*key, at_end)) throw PyException{in.make_exception_args(in.builtins().KeyError, {*key})};
  return Value();
}

// OrderedDict.popitem(last=True)
Value odict_popitem(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos + a.nkw > 1) type_error(in, "popitem() takes at most 1 argument (" + std::to_string(a.npos + a.nkw) + " given)");
  const Value* last = arg_or_kw(a, 0, "last");
  if (a.nkw && !a.kwarg("last")) type_error(in, "popitem() got an unexpected keyword argument '" + a.kwnames[0] + "'");
  bool at_end = last ? in.truthy(*last) : true;
  DictObj* d = dict_of(self);
  if (d->entries.empty()) throw PyException{in.make_exception_args(in.builtins().KeyError, {make_str("dictionary is empty")})};
  std::pair<Value, Value> kv = at_end ? d->entries.back() : d->entries.front();
  d->erase(kv.first);
  return pair(kv);
}

// OrderedDict.fromkeys(iterable, value=None), a classmethod.
Value odict_fromkeys(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw) type_error(in, "fromkeys() takes no keyword arguments");
  if (a.npos < 1 || a.npos > 2)
    type_error(in, a.npos < 1 ? "fromkeys expected at least 1 argument, got 0" : "fromkeys expected at most 2 arguments, got " + std::to_string(a.npos));
  Ref<DictObj> d = new_dict_like(DictObj::Flavor::OrderedDict);
  Value v = a.npos == 2 ? a.pos[1] : Value();
  Value it = in.get_iter(a.pos[0]), k;
  while (in.iter_next(it, k)) {
    charge_step();
    d->set(k, v);
  }
  return Value(d);
}

Value odict_reversed(Interp& in, const Value& self, CallArgs& a) {
  nargs(in, "__reversed__", a, 0, 0);
  std::vector<Value> keys;
  for (auto& kv : dict_of(self)->entries) keys.push_back(kv.first);
  std::reverse(keys.begin(), keys.end());
  charge(keys.size());
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Seq));
  it->items = std::move(keys);
  return Value(it);
}

// ---- the flavored dicts' method tables --------------------------------------------------------

Value copy_dict(const Value& self) {
  DictObj* d = dict_of(self);
  charge(d->entries.size());
  Ref<DictObj> c = new_dict_like(d->flavor);
  c->assign(*d);
  if (d->flavor == DictObj::Flavor::DefaultDict) static_cast<DefaultDictObj*>(c.get())->factory = ddict(self)->factory;
  return Value(c);
}

MethodTable with_dict_methods(std::vector<MethodTable::Entry> own) {
  std::vector<MethodTable::Entry> all;
  for (const char* const* n = builtin_dict_methods().names(); *n; ++n) {
    const MethodTable::Entry* e = builtin_dict_methods().find(*n);
    bool replaced = false;
    for (auto& o : own) replaced |= std::string_view(o.name) == e->name;
    if (!replaced) all.push_back(*e);
  }
  all.insert(all.end(), own.begin(), own.end());
  return MethodTable(all);
}

Value copy_method(Interp& in, const Value& s, CallArgs& a) {
  nargs(in, "copy", a, 0, 0);
  return copy_dict(s);
}

// ---- namedtuple -------------------------------------------------------------------------------

const std::vector<Value>& fields_of(const TypeObj* t) { return t->find_attr("_fields")->as<TupleObj>()->items; }
DictObj* defaults_of(const TypeObj* t) { return t->find_attr("_field_defaults")->as<DictObj>(); }

std::string quoted_list(const std::vector<std::string>& names) {
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) list += (i + 1 == names.size()) ? (names.size() > 2 ? ", and " : " and ") : ", ";
    list += "'" + names[i] + "'";
  }
  return list;
}

// The class's __new__(_cls, x, y, ...): a Python function's argument
// binding and its messages (keywords before the positional count, then
// what is missing).
Value namedtuple_new(Interp& in, const Value& cls, CallArgs& a) {
  TypeObj* t = cls.as<TypeObj>();
  const std::vector<Value>& fields = fields_of(t);
  DictObj* defaults = defaults_of(t);
  const std::string fn = t->name + ".__new__()";
  const size_t n = fields.size();
  std::vector<Value> v(n, Value::unbound());
  for (size_t i = 0; i < a.npos && i < n; ++i) v[i] = a.pos[i];
  for (size_t k = 0; k < a.nkw; ++k) {
    size_t i = 0;
    while (i < n && str_of(fields[i]) != a.kwnames[k]) ++i;
    if (i == n) type_error(in, fn + " got an unexpected keyword argument '" + a.kwnames[k] + "'");
    if (!v[i].is_unbound()) type_error(in, fn + " got multiple values for argument '" + a.kwnames[k] + "'");
    v[i] = a.kw[k];
  }
  const size_t required = n - defaults->entries.size();
  if (a.npos > n) {
    std::string takes = required == n ? std::to_string(n + 1) : "from " + std::to_string(required + 1) + " to " + std::to_string(n + 1);
    type_error(in, fn + " takes " + takes + " positional argument" + (n == 0 && required == n ? "" : "s") + " but " +
                       std::to_string(a.npos + 1) + " were given");
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < n; ++i) {
    if (!v[i].is_unbound()) continue;
    if (i >= required) v[i] = *defaults->find(fields[i]);
    else missing.push_back(str_of(fields[i]));
  }
  if (!missing.empty())
    type_error(in, fn + " missing " + std::to_string(missing.size()) + " required positional argument" +
                       (missing.size() == 1 ? "" : "s") + ": " + quoted_list(missing));
  return Value(Ref<TupleObj>(new NamedTupleObj(t, std::move(v))));
}

// _make(iterable): tuple.__new__(cls, iterable), which must have a value per field.
Value make_from(Interp& in, TypeObj* t, const Value& iterable) {
  std::vector<Value> items = in.to_vector(iterable);
  const size_t n = fields_of(t).size();
  if (items.size() != n) type_error(in, "Expected " + std::to_string(n) + " arguments, got " + std::to_string(items.size()));
  return Value(Ref<TupleObj>(new NamedTupleObj(t, std::move(items))));
}

Value namedtuple_make(Interp& in, const Value& self, CallArgs& a) {
  TypeObj* t = self.is(ObjKind::Type) ? self.as<TypeObj>() : named_tuple_type(self);
  if (a.nkw) {
    if (a.kwnames[0] == "iterable" && a.npos == 0 && a.nkw == 1) return make_from(in, t, a.kw[0]);
    type_error(in, t->name + "._make() got an unexpected keyword argument '" + a.kwnames[0] + "'");
  }
  if (a.npos != 1)
    type_error(in, a.npos == 0 ? t->name + "._make() missing 1 required positional argument: 'iterable'"
                               : t->name + "._make() takes 2 positional arguments but " + std::to_string(a.npos + 1) + " were given");
  return make_from(in, t, a.pos[0]);
}

// _replace(self, /, **kwds): self._make(map(kwds.pop, field_names, self)).
Value namedtuple_replace(Interp& in, const Value& self, CallArgs& a) {
  TypeObj* t = named_tuple_type(self);
  if (a.npos)
    type_error(in, t->name + "._replace() takes 1 positional argument but " + std::to_string(a.npos + 1) + " were given");
  std::vector<std::pair<std::string, Value>> kw;
  for (size_t k = 0; k < a.nkw; ++k) kw.emplace_back(a.kwnames[k], a.kw[k]);
  const std::vector<Value>& fields = fields_of(t);
  const std::vector<Value>& items = self.as<TupleObj>()->items;
  std::vector<Value> out;
  for (size_t i = 0; i < fields.size() && i < items.size(); ++i) {
    auto at = std::find_if(kw.begin(), kw.end(), [&](auto& p) { return p.first == str_of(fields[i]); });
    if (at == kw.end()) out.push_back(items[i]);
    else {
      out.push_back(at->second);
      kw.erase(at);
    }
  }
  Value result = make_from(in, t, make_list(std::move(out)));
  if (!kw.empty()) {
    std::vector<Value> names;
    for (auto& p : kw) names.push_back(make_str(p.first));
    in.raise(in.builtins().ValueError, "Got unexpected field names: " + in.repr(make_list(std::move(names))));
  }
  return result;
}

Value namedtuple_asdict(Interp& in, const Value& self, CallArgs& a) {
  TypeObj* t = named_tuple_type(self);
  if (a.npos || a.nkw) type_error(in, t->name + "._asdict() takes 1 positional argument but " + std::to_string(a.npos + 1) + " were given");
  const std::vector<Value>& fields = fields_of(t);
  const std::vector<Value>& items = self.as<TupleObj>()->items;
  Ref<DictObj> d(new DictObj());
  for (size_t i = 0; i < fields.size() && i < items.size(); ++i) d->set(fields[i], items[i]);
  return Value(d);
}

bool is_keyword(const std::string& s) {
  static const char* const kw[] = {"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
                                   "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
                                   "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
                                   "return", "try", "while", "with", "yield"};
  for (const char* k : kw) if (s == k) return true;
  return false;
}

// str.isidentifier for ASCII names; a name with other characters is one
// corun cannot judge as CPython would (XID_Start / XID_Continue), and refuses.
bool is_identifier(Interp& in, const std::string& s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) type_error(in, "corun does not support namedtuple names with non-ASCII characters: " + in.repr(make_str(s)));
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// namedtuple(typename, field_names, *, rename=False, defaults=None, module=None)
Value namedtuple_factory(Interp& in, const Value&, CallArgs& a) {
  const char* names[] = {"typename", "field_names", "rename", "defaults", "module"};
  Value p[5] = {Value::unbound(), Value::unbound(), Value::unbound(), Value::unbound(), Value::unbound()};
  if (a.npos > 2) type_error(in, "namedtuple() takes 2 positional arguments but " + std::to_string(a.npos) + " were given");
  for (size_t i = 0; i < a.npos; ++i) p[i] = a.pos[i];
  for (size_t k = 0; k < a.nkw; ++k) {
    size_t i = 0;
    while (i < 5 && a.kwnames[k] != names[i]) ++i;
    if (i == 5) type_error(in, "namedtuple() got an unexpected keyword argument '" + a.kwnames[k] + "'");
    if (!p[i].is_unbound()) type_error(in, "namedtuple() got multiple values for argument '" + a.kwnames[k] + "'");
    p[i] = a.kw[k];
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < 2; ++i) if (p[i].is_unbound()) missing.push_back(names[i]);
  if (!missing.empty())
    type_error(in, "namedtuple() missing " + std::to_string(missing.size()) + " required positional argument" +
                       (missing.size() == 1 ? "" : "s") + ": " + quoted_list(missing));
  const bool rename = !p[2].is_unbound() && in.truthy(p[2]);
  // field_names.replace(',', ' ').split(), or list(map(str, field_names))
  std::vector<std::string> fields;
  if (p[1].is(ObjKind::Str)) {
    std::string s = str_of(p[1]);
    std::replace(s.begin(), s.end(), ',', ' ');
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
      size_t j = i;
      while (j < s.size() && !(s[j] == ' ' || (s[j] >= '\t' && s[j] <= '\r'))) ++j;
      if (j > i) fields.push_back(s.substr(i, j - i));
      i = j;
    }
  } else {
    for (const Value& f : in.to_vector(p[1])) fields.push_back(in.str(f));
  }
  std::string typename_ = in.str(p[0]);
  if (rename) {
    std::vector<std::string> seen;
    for (size_t i = 0; i < fields.size(); ++i) {
      std::string name = fields[i];
      if (!is_identifier(in, name) || is_keyword(name) || name[0] == '_' ||
          std::find(seen.begin(), seen.end(), name) != seen.end())
        fields[i] = "_" + std::to_string(i);
      seen.push_back(name);
    }
  }
  std::vector<std::string> all{typename_};
  all.insert(all.end(), fields.begin(), fields.end());
  for (const std::string& name : all) {
    if (!is_identifier(in, name))
      in.raise(in.builtins().ValueError, "Type names and field names must be valid identifiers: " + in.repr(make_str(name)));
    if (is_keyword(name))
      in.raise(in.builtins().ValueError, "Type names and field names cannot be a keyword: " + in.repr(make_str(name)));
  }
  std::vector<std::string> seen;
  for (const std::string& name : fields) {
    if (name[0] == '_' && !rename)
      in.raise(in.builtins().ValueError, "Field names cannot start with an underscore: " + in.repr(make_str(name)));
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      in.raise(in.builtins().ValueError, "Encountered duplicate field name: " + in.repr(make_str(name)));
    seen.push_back(name);
  }
  Ref<DictObj> field_defaults(new DictObj());
  if (!p[3].is_unbound() && !p[3].is_none()) {
    std::vector<Value> defaults = in.to_vector(p[3]);
    if (defaults.size() > fields.size()) type_error(in, "Got more default values than field names");
    for (size_t i = 0; i < defaults.size(); ++i)
      field_defaults->set(make_str(fields[fields.size() - defaults.size() + i]), defaults[i]);
  }
  std::string module = "__main__";
  if (!p[4].is_unbound() && !p[4].is_none()) {
    if (!p[4].is(ObjKind::Str)) type_error(in, "corun does not support a namedtuple module= that is not a str");
    module = str_of(p[4]);
  }
  std::vector<Value> field_values;
  std::string arg_list;
  for (auto& f : fields) {
    field_values.push_back(make_str(f));
    arg_list += (arg_list.empty() ? "" : ", ") + f;
  }
  if (fields.size() == 1) arg_list += ",";
  Ref<TypeObj> t(new TypeObj(typename_, module, in.builtins().tuple, TypeKind::Builtin));
  t->ctor = namedtuple_new;
  Value field_tuple = make_tuple(field_values);
  t->class_attrs.emplace_back("__doc__", make_str(typename_ + "(" + arg_list + ")"));
  t->class_attrs.emplace_back("__slots__", make_tuple());
  t->class_attrs.emplace_back("_fields", field_tuple);
  t->class_attrs.emplace_back("_field_defaults", Value(field_defaults));
  t->class_attrs.emplace_back("__match_args__", field_tuple);
  return Value(t);
}

}  // namespace

// ---- what the rest of corun asks ------------------------------------------------------------

Ref<DictObj> new_dict_like(DictObj::Flavor flavor) {
  if (flavor == DictObj::Flavor::DefaultDict) return Ref<DictObj>(new DefaultDictObj());
  Ref<DictObj> d(new DictObj());
  d->flavor = flavor;
  return d;
}

const MethodTable& collections_dict_methods(DictObj::Flavor flavor) {
  static const MethodTable defaultdict_table = with_dict_methods({
      {"copy", copy_method},
      {"__missing__", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         nargs(in, "__missing__", a, 1, 1);
         return defaultdict_missing(in, s, a.pos[0]);
       }},
      {"__copy__", copy_method},
  });
  static const MethodTable counter_table = with_dict_methods({
      {"most_common", counter_most_common},
      {"elements", counter_elements},
      {"update", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         counter_add_call(in, dict_of(s), a, "Counter.update", false);
         return Value();
       }},
      {"subtract", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         counter_add_call(in, dict_of(s), a, "Counter.subtract", true);
         return Value();
       }},
      {"total", counter_total},
      {"copy", [](Interp& in, const Value& s, CallArgs& a) -> Value {
         if (a.npos || a.nkw) type_error(in, "Counter.copy() takes 1 positional argument but " + std::to_string(a.npos + 1) + " were given");
         return copy_dict(s);
       }},
      {"__missing__", [](Interp& in, const Value&, CallArgs& a) -> Value {
         if (a.npos != 1 || a.nkw) type_error(in, "Counter.__missing__() takes 2 positional arguments but " + std::to_string(a.npos + 1) + " were given");
         return Value::integer(0);
       }},
      {"fromkeys", [](Interp& in, const Value&, CallArgs&) -> Value {
         in.raise(in.builtins().NotImplementedError, "Counter.fromkeys() is undefined.  Use Counter(iterable) instead.");
       }},
  });
  static const MethodTable odict_table = with_dict_methods({
      {"move_to_end", odict_move_to_end},
      {"popitem", odict_popitem},
      {"copy", copy_method},
      {"fromkeys", odict_fromkeys},
      {"__reversed__", odict_reversed},
  });
  switch (flavor) {
    case DictObj::Flavor::DefaultDict: return defaultdict_table;
    case DictObj::Flavor::Counter: return counter_table;
    default: return odict_table;
  }
}

const MethodTable& namedtuple_methods() {
  static const MethodTable table = [] {
    std::vector<MethodTable::Entry> all;
    for (const char* const* n = builtin_tuple_methods().names(); *n; ++n) all.push_back(*builtin_tuple_methods().find(*n));
    all.push_back({"_asdict", namedtuple_asdict});
    all.push_back({"_replace", namedtuple_replace});
    all.push_back({"_make", namedtuple_make});
    return MethodTable(all);
  }();
  return table;
}

Value dict_missing(Interp& in, const Value& dict, const Value& key) {
  switch (dict_flavor(dict)) {
    case DictObj::Flavor::DefaultDict: return defaultdict_missing(in, dict, key);
    case DictObj::Flavor::Counter: return Value::integer(0);
    default: throw PyException{in.make_exception_args(in.builtins().KeyError, {key})};
  }
}

bool collections_get_attr(Interp&, const Value& obj, const std::string& name, Value& out) {
  if (dict_flavor(obj) == DictObj::Flavor::DefaultDict && name == "default_factory") {
    out = ddict(obj)->factory;
    return true;
  }
  if (!is_named_tuple(obj)) return false;
  TypeObj* t = named_tuple_type(obj);
  const std::vector<Value>& fields = fields_of(t);
  for (size_t i = 0; i < fields.size(); ++i)
    if (str_of(fields[i]) == name) {
      out = obj.as<TupleObj>()->items[i];
      return true;
    }
  for (auto& [k, v] : t->class_attrs)
    if (k == name) {
      out = v;
      return true;
    }
  return false;
}

bool collections_set_attr(Interp& in, const Value& obj, const std::string& name, Value& v) {
  switch (dict_flavor(obj)) {
    case DictObj::Flavor::DefaultDict:
      if (name != "default_factory") return false;
      ddict(obj)->factory = std::move(v);
      return true;
    case DictObj::Flavor::Counter:
    case DictObj::Flavor::OrderedDict:
      // CPython's Counter and OrderedDict have a __dict__; corun keeps none.
      in.raise(in.builtins().AttributeError, "corun does not support setting attributes on '" + in.type_of(obj)->name +
                                                 "' objects (setting '" + name + "')");
    default: break;
  }
  if (!is_named_tuple(obj)) return false;
  for (const Value& f : fields_of(named_tuple_type(obj)))
    if (str_of(f) == name) in.raise(in.builtins().AttributeError, "can't set attribute");
  return false;
}

bool namedtuple_class_attr(Interp& in, TypeObj* t, const std::string& name, Value& out) {
  if (t->ctor != namedtuple_new) return false;
  if (name == "_make") {  // a classmethod: bound to the class, which comes first
    out = Value(new BoundMethodObj(Value(t), Value(new BuiltinObj("_make", [](Interp& in, const Value&, CallArgs& a) -> Value {
      CallArgs rest = a;
      ++rest.pos;
      --rest.npos;
      return namedtuple_make(in, a.pos[0], rest);
    }))));
    return true;
  }
  for (const Value& f : fields_of(t))
    if (str_of(f) == name)
      in.raise(in.builtins().AttributeError, "corun does not support the field descriptor " + t->name + "." + name + " of a namedtuple class");
  if (name == "_replace" || name == "_asdict")
    in.raise(in.builtins().AttributeError, "corun does not support the unbound method " + t->name + "." + name + "; call it on an instance");
  return false;
}

std::vector<std::pair<Value, Value>> counter_sorted(Interp& in, DictObj* d) {
  std::vector<std::pair<Value, Value>> items = d->entries;
  charge(items.size());
  // As listsort does reverse=True: reverse, sort ascending (stable, with
  // `<`), reverse again -- equal counts keep insertion order.
  std::reverse(items.begin(), items.end());
  std::stable_sort(items.begin(), items.end(), [&](const auto& x, const auto& y) {
    charge_step();
    return in.compare(CmpOp::Lt, x.second, y.second);
  });
  std::reverse(items.begin(), items.end());
  return items;
}

bool counter_binary(Interp& in, char op, const Value& a, const Value& b, Value& out) {
  if (!is_counter(a) || !is_counter(b)) return false;
  std::vector<std::pair<Value, Value>> xs = dict_of(a)->entries, ys = dict_of(b)->entries;
  DictObj* x = dict_of(a);
  DictObj* y = dict_of(b);
  Ref<DictObj> r = new_dict_like(DictObj::Flavor::Counter);
  const Value zero = Value::integer(0);
  charge(xs.size() + ys.size());
  for (auto& [elem, count] : xs) {
    Value other = count_of(y, elem), n;
    switch (op) {
      case '+': n = in.binary_op(BinOp::Add, count, other); break;
      case '-': n = in.binary_op(BinOp::Sub, count, other); break;
      case '|': n = in.compare(CmpOp::Lt, count, other) ? other : count; break;
      default: n = in.compare(CmpOp::Lt, count, other) ? count : other; break;
    }
    if (in.compare(CmpOp::Gt, n, zero)) r->set(elem, n);
  }
  if (op != '&')
    for (auto& [elem, count] : ys) {
      if (x->find(elem)) continue;
      if (op == '-') {
        if (in.compare(CmpOp::Lt, count, zero)) r->set(elem, in.binary_op(BinOp::Sub, zero, count));
      } else if (in.compare(CmpOp::Gt, count, zero)) {
        r->set(elem, count);
      }
    }
  out = Value(r);
  return true;
}

bool dict_or(Interp& in, const Value& a, const Value& b, Value& out) {
  if (!a.is(ObjKind::Dict) || !b.is(ObjKind::Dict)) return false;
  using F = DictObj::Flavor;
  const F fa = dict_flavor(a), fb = dict_flavor(b);
  // The right operand's __ror__ goes first when its type derives from the
  // left's and overrides it (a dict on the left, one of collections' on the
  // right); Counter's __or__ takes only Counters (and it has no __ror__).
  F order[2] = {fa, fb};
  if (fa == F::Plain && fb != F::Plain) std::swap(order[0], order[1]);
  for (F f : order) {
    if (f == F::Counter) {
      if (counter_binary(in, '|', a, b, out)) return true;
      continue;
    }
    Ref<DictObj> d = new_dict_like(f);
    if (f == F::DefaultDict)  // defdict_or: the factory of the operand that is a defaultdict
      static_cast<DefaultDictObj*>(d.get())->factory = ddict(fa == F::DefaultDict ? a : b)->factory;
    dict_fill(in, *d, a);
    dict_fill(in, *d, b);
    out = Value(d);
    return true;
  }
  return false;
}

bool counter_unary(Interp& in, char op, const Value& a, Value& out) {
  if (!is_counter(a)) return false;
  std::vector<std::pair<Value, Value>> xs = dict_of(a)->entries;
  Ref<DictObj> r = new_dict_like(DictObj::Flavor::Counter);
  const Value zero = Value::integer(0);
  for (auto& [elem, count] : xs) {
    charge_step();
    if (op == '+' && in.compare(CmpOp::Gt, count, zero)) r->set(elem, count);
    if (op == '-' && in.compare(CmpOp::Lt, count, zero)) r->set(elem, in.binary_op(BinOp::Sub, zero, count));
  }
  out = Value(r);
  return true;
}

bool counter_compare(Interp& in, CmpOp op, const Value& a, const Value& b, bool& out) {
  if (!is_counter(a) || !is_counter(b)) return false;
  // __le__ / __ge__: all(self[e] <= other[e] for c in (self, other) for e in c)
  auto all_cmp = [&](CmpOp each) {
    for (const Value& side : {a, b}) {
      std::vector<std::pair<Value, Value>> items = dict_of(side)->entries;
      for (auto& kv : items) {
        charge_step();
        if (!in.compare(each, count_of(dict_of(a), kv.first), count_of(dict_of(b), kv.first))) return false;
      }
    }
    return true;
  };
  switch (op) {
    case CmpOp::Le: out = all_cmp(CmpOp::Le); return true;
    case CmpOp::Ge: out = all_cmp(CmpOp::Ge); return true;
    case CmpOp::Lt: out = all_cmp(CmpOp::Le) && !values_equal(a, b); return true;
    case CmpOp::Gt: out = all_cmp(CmpOp::Ge) && !values_equal(a, b); return true;
    default: return false;
  }
}

bool collections_dict_equal(const Value& a, const Value& b, bool& out) {
  DictObj* x = dict_of(a);
  DictObj* y = dict_of(b);
  if (x->flavor == DictObj::Flavor::Counter && y->flavor == DictObj::Flavor::Counter) {
    // all(self[e] == other[e] for c in (self, other) for e in c)
    for (DictObj* side : {x, y}) {
      std::vector<std::pair<Value, Value>> items = side->entries;
      for (auto& kv : items) {
        charge_step();
        if (!values_equal(count_of(x, kv.first), count_of(y, kv.first))) {
          out = false;
          return true;
        }
      }
    }
    out = true;
    return true;
  }
  if (x->flavor == DictObj::Flavor::OrderedDict && y->flavor == DictObj::Flavor::OrderedDict) {
    // odict_richcompare: dict's ==, then the keys in order.
    if (x->entries.size() != y->entries.size()) {
      out = false;
      return true;
    }
    for (auto& [k, v] : x->entries) {
      Value* w = y->find(k);
      if (!w || !values_equal(v, *w)) {
        out = false;
        return true;
      }
    }
    for (size_t i = 0; i < x->entries.size() && i < y->entries.size(); ++i)
      if (!(x->entries[i].first.same(y->entries[i].first) || values_equal(x->entries[i].first, y->entries[i].first))) {
        out = false;
        return true;
      }
    out = true;
    return true;
  }
  return false;
}

std::string namedtuple_repr(Interp& in, const Value& v) {
  TypeObj* t = named_tuple_type(v);
  const std::vector<Value>& fields = fields_of(t);
  const std::vector<Value>& items = v.as<TupleObj>()->items;
  std::string s = t->name + "(";
  for (size_t i = 0; i < fields.size() && i < items.size(); ++i) {
    charge_step();
    if (i) s += ", ";
    s += str_of(fields[i]) + "=" + in.repr(items[i]);
  }
  return s + ")";
}

Value make_collections_module(Interp&, Builtins& b) {
  b.deque->ctor = deque_new;
  b.defaultdict->ctor = defaultdict_new;
  b.Counter->ctor = counter_new;
  b.OrderedDict->ctor = [](Interp& in, const Value&, CallArgs& a) -> Value {
    if (a.npos > 1) type_error(in, "expected at most 1 arguments, got " + std::to_string(a.npos));
    Ref<DictObj> d = new_dict_like(DictObj::Flavor::OrderedDict);
    if (a.npos == 1) {
      // MutableMapping.update: a dict's items, else `for k, v in other`.
      if (a.pos[0].is(ObjKind::Dict)) dict_fill(in, *d, a.pos[0]);
      else {
        Value it = in.get_iter(a.pos[0]), item;
        while (in.iter_next(it, item)) {
          charge_step();
          std::vector<Value> kv = in.to_vector(item);
          if (kv.size() != 2)
            in.raise(in.builtins().ValueError, kv.size() < 2 ? "not enough values to unpack (expected 2, got " + std::to_string(kv.size()) + ")"
                                                              : "too many values to unpack (expected 2)");
          d->set(kv[0], kv[1]);
        }
      }
    }
    set_keywords(*d, a);
    return Value(d);
  };
  b.OrderedDict->class_attrs.emplace_back("fromkeys", Value(new BuiltinObj("fromkeys", odict_fromkeys)));
  b.Counter->class_attrs.emplace_back("fromkeys", Value(new BuiltinObj("fromkeys", [](Interp& in, const Value&, CallArgs&) -> Value {
    in.raise(in.builtins().NotImplementedError, "Counter.fromkeys() is undefined.  Use Counter(iterable) instead.");
  })));
  Ref<ModuleObj> m(new ModuleObj("collections"));
  m->attrs.emplace_back("deque", Value(b.deque));
  m->attrs.emplace_back("defaultdict", Value(b.defaultdict));
  m->attrs.emplace_back("Counter", Value(b.Counter));
  m->attrs.emplace_back("OrderedDict", Value(b.OrderedDict));
  m->attrs.emplace_back("namedtuple", Value(new BuiltinObj("namedtuple", namedtuple_factory)));
  return Value(m);
}

}  // namespace corun
