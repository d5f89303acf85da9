// Dict views and the live iterators of sets, dicts and views, as
// Objects/dictobject.c and Objects/setobject.c have them.
#include "engine/python/dict_views.h"

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"
#include "engine/python/sets.h"

namespace corun {

Value live_iterator(const Value& container) {
  using Kind = IteratorObj::Kind;
  Kind kind = Kind::DictKeys;
  Value source = container;
  size_t size = 0;
  if (container.is(ObjKind::Set)) {
    kind = Kind::Set;
    size = container.as<SetObj>()->size();
  } else if (container.is(ObjKind::DictView)) {
    auto* view = container.as<DictViewObj>();
    kind = view->which == DictViewObj::Keys ? Kind::DictKeys : view->which == DictViewObj::Values ? Kind::DictValues : Kind::DictItems;
    source = view->dict;
    size = view->target()->entries.size();
  } else {
    size = container.as<DictObj>()->entries.size();
  }
  Ref<IteratorObj> it(new IteratorObj(kind));
  it->source = std::move(source);
  it->stop = int64_t(size);
  return Value(it);
}

bool live_iter_next(Interp& in, IteratorObj& it, Value& out) {
  if (it.source.is_none()) return false;  // exhausted: the container was let go
  const bool is_set = it.ikind == IteratorObj::Kind::Set;
  const size_t size = is_set ? it.source.as<SetObj>()->size() : it.source.as<DictObj>()->entries.size();
  if (it.stop < 0 || size_t(it.stop) != size) {
    it.stop = -1;  // sticky, as CPython makes it
    in.raise(in.builtins().RuntimeError, is_set ? "Set changed size during iteration" : "dictionary changed size during iteration");
  }
  if (is_set) {
    const SetObj::Entry* e;
    if (pyset::next(it.source.as<SetObj>(), it.pos, e)) {
      out = e->key;
      return true;
    }
  } else {
    const auto& entries = it.source.as<DictObj>()->entries;
    if (it.pos < entries.size()) {
      const auto& [k, v] = entries[it.pos++];
      if (it.ikind == IteratorObj::Kind::DictKeys) out = k;
      else if (it.ikind == IteratorObj::Kind::DictValues) out = v;
      else out = make_tuple({k, v});
      return true;
    }
  }
  it.source = Value();
  return false;
}

namespace {

bool set_like(const Value& v) {
  return v.is(ObjKind::Set) || (v.is(ObjKind::DictView) && v.as<DictViewObj>()->which != DictViewObj::Values);
}

size_t set_like_size(const Value& v) {
  return v.is(ObjKind::Set) ? v.as<SetObj>()->size() : v.as<DictViewObj>()->target()->entries.size();
}

}  // namespace

bool dict_view_contains(Interp& in, const DictViewObj* view, const Value& item) {
  DictObj* d = view->target();
  switch (view->which) {
    case DictViewObj::Keys:
      py_hash(in, item);  // an unhashable key is TypeError, as a dict lookup makes it
      return d->find(item) != nullptr;
    case DictViewObj::Items: {
      if (!item.is(ObjKind::Tuple) || item.as<TupleObj>()->items.size() != 2) return false;
      const auto& kv = item.as<TupleObj>()->items;
      py_hash(in, kv[0]);
      Value* v = d->find(kv[0]);
      return v && (v->same(kv[1]) || values_equal(*v, kv[1]));
    }
    case DictViewObj::Values:
      for (const auto& e : d->entries) {
        charge_step();
        if (e.second.same(item) || values_equal(e.second, item)) return true;
      }
      return false;
  }
  return false;
}

// dictview_richcompare: keys and items views equal a set or another such
// view holding the same elements; a values view equals only itself.
bool dict_view_equal(const Value& a, const Value& b) {
  if (!set_like(a) || !set_like(b)) return false;
  if (set_like_size(a) != set_like_size(b)) return false;
  Interp* in = current_interp();
  if (!in) return false;
  Value it = in->get_iter(a), x;
  while (in->iter_next(it, x)) {
    charge_step();
    if (!in->compare(CmpOp::In, x, b)) return false;
  }
  return true;
}

}  // namespace corun
