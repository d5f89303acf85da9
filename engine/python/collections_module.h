// The `collections` module (engine/python/collections_module.cpp): deque
// (whose methods are attrs.cpp's), defaultdict, Counter, OrderedDict and
// namedtuple.
//
// defaultdict, Counter and OrderedDict are dicts (DictObj, ObjKind::Dict)
// with a flavor, so that everything a dict does (len, in, iteration, views,
// ==, dict(x), isinstance(x, dict)) works on them unchanged; the places
// where CPython's subclass differs (type, repr, methods, a missing key, ==
// between two OrderedDicts or two Counters, Counter's operators) ask here.
// A namedtuple class is a TypeObj deriving from tuple whose class_attrs
// hold _fields and _field_defaults; its instances are NamedTupleObjs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/python/method_table.h"
#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;

// collections.defaultdict: a dict and its default_factory (None: a missing
// key is KeyError, as a plain dict's).
struct DefaultDictObj : DictObj {
  Value factory;
  DefaultDictObj() { flavor = Flavor::DefaultDict; }
};

// An instance of a namedtuple class: a tuple that holds its class.
struct NamedTupleObj : TupleObj {
  Ref<TypeObj> type;
  NamedTupleObj(TypeObj* t, std::vector<Value> v) : type(t) {
    named = true;
    items = std::move(v);
  }
};

inline TypeObj* named_tuple_type(const Value& v) { return static_cast<NamedTupleObj*>(v.as<TupleObj>())->type.get(); }
inline bool is_named_tuple(const Value& v) { return v.is(ObjKind::Tuple) && v.as<TupleObj>()->named; }
inline DictObj::Flavor dict_flavor(const Value& v) {
  return v.is(ObjKind::Dict) ? v.as<DictObj>()->flavor : DictObj::Flavor::Plain;
}
inline bool is_counter(const Value& v) { return dict_flavor(v) == DictObj::Flavor::Counter; }

Value make_collections_module(Interp& in, Builtins& b);

// A new, empty dict of `flavor` (a defaultdict's factory is None).
Ref<DictObj> new_dict_like(DictObj::Flavor flavor);

// The methods of a defaultdict, Counter or OrderedDict: dict's and its own.
const MethodTable& collections_dict_methods(DictObj::Flavor flavor);
// A namedtuple's: tuple's, _asdict, _replace and _make.
const MethodTable& namedtuple_methods();

// d[key] for a key a defaultdict or Counter lacks (__missing__): the
// factory's value, set in d; 0; or KeyError.
Value dict_missing(Interp& in, const Value& dict, const Value& key);

// obj.name for a defaultdict's default_factory, a namedtuple's fields,
// _fields and _field_defaults: true with `out` set.
bool collections_get_attr(Interp& in, const Value& obj, const std::string& name, Value& out);
// obj.name = v where a collections object says what happens: true when done
// (default_factory); raises for a namedtuple's field and for the
// attributes corun keeps none of.
bool collections_set_attr(Interp& in, const Value& obj, const std::string& name, Value& v);
// Cls.name for a namedtuple class (_make, and the field descriptors corun refuses).
bool namedtuple_class_attr(Interp& in, TypeObj* t, const std::string& name, Value& out);

// Counter's items sorted by count, most common first (ties in insertion
// order): most_common()'s sorted(self.items(), key=itemgetter(1), reverse=True).
std::vector<std::pair<Value, Value>> counter_sorted(Interp& in, DictObj* d);
// `a OP b` / `OP a` on Counters ('+', '-', '&', '|'; unary '+', '-'):
// true with `out` set when both are Counters (for unary: when a is).
bool counter_binary(Interp& in, char op, const Value& a, const Value& b, Value& out);
bool counter_unary(Interp& in, char op, const Value& a, Value& out);
// `a | b` between two dicts (PEP 584): the merged dict, of the type CPython's
// dict_or / defdict_or / odict_or / Counter.__or__ gives.
bool dict_or(Interp& in, const Value& a, const Value& b, Value& out);
// Counter's <, <=, >, >= (multiset inclusion): true with `out` set when both are Counters.
bool counter_compare(Interp& in, CmpOp op, const Value& a, const Value& b, bool& out);
// Counter == Counter (missing counts are zero); OrderedDict == OrderedDict
// (order too). False when this pair compares as plain dicts.
bool collections_dict_equal(const Value& a, const Value& b, bool& out);

// "Point(x=1, y=2)"
std::string namedtuple_repr(Interp& in, const Value& v);

}  // namespace corun
