// dict.keys(), dict.values(), dict.items(): live views of a dict, as
// CPython's dictview objects (Objects/dictobject.c): they print as
// dict_keys([...]), reflect later changes, and keys and items views take
// the set operators (engine/python/sets.cpp).
#pragma once

#include "engine/python/value.h"

namespace corun {

struct DictViewObj : Object {
  enum Which : uint8_t { Keys, Values, Items };
  Which which;
  Value dict;  // the DictObj viewed
  DictViewObj(Which w, Value d) : Object(ObjKind::DictView), which(w), dict(std::move(d)) {}
  const char* type_name() const {
    if (target()->flavor == DictObj::Flavor::OrderedDict) return which == Keys ? "odict_keys" : which == Values ? "odict_values" : "odict_items";
    return which == Keys ? "dict_keys" : which == Values ? "dict_values" : "dict_items";
  }
  DictObj* target() const { return dict.as<DictObj>(); }
};

}  // namespace corun

namespace corun {

class Interp;
struct IteratorObj;

// Iterators over a set, a dict or a view that see the live container: a
// change of its size while iterating raises CPython's RuntimeError.
Value live_iterator(const Value& container);
bool live_iter_next(Interp& in, IteratorObj& it, Value& out);
// `==` where either side is a view (dictview_richcompare).
bool dict_view_equal(const Value& a, const Value& b);
bool dict_view_contains(Interp& in, const DictViewObj* view, const Value& item);

}  // namespace corun
