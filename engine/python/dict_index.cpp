// The dict's hash index (DictObj in objects.h): entries stay in insertion
// order in `entries`; a small dict is scanned, a larger one keeps an open-
// addressing index of positions, rebuilt when keys are erased. Keys whose
// equality could disagree with value_hash (user classes, huge floats, lists)
// keep the dict on the scan.
#include "engine/compile/code.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/python/dict_views.h"
#include "engine/python/pyformat.h"
#include "engine/python/recursion.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

constexpr size_t kDictScanMax = 8;

// Keys equal by values_equal exactly when their value_hash is equal.
bool indexable_key(const Value& k) {
  if (k.is_float()) return !(std::fabs(k.as_float()) >= 9e18);  // huge floats may equal a BigInt
  if (!k.is_obj()) return true;
  switch (k.obj()->okind) {
    case ObjKind::Str: return true;
    case ObjKind::Tuple: {
      NativeRecursion guard("");  // as value_hash, which follows
      for (auto& x : k.as<TupleObj>()->items) if (!indexable_key(x)) return false;
      return true;
    }
    case ObjKind::List: case ObjKind::Dict: case ObjKind::Range: case ObjKind::BigInt:
    case ObjKind::Deque: case ObjKind::Set: case ObjKind::DictView:
      return false;
    case ObjKind::Instance: case ObjKind::Exception:  // __eq__ and __hash__ may say otherwise
      return !in_user_class(k);
    default: return true;  // equal only to itself, hashed by identity
  }
}

// A key Python refuses (dict_subscript, dict_ass_sub ... hash it first):
// TypeError: unhashable type, as PyObject_Hash raises it.
void check_hashable(const Value& k) {
  const char* name = nullptr;
  switch (k.obj()->okind) {
    case ObjKind::List: name = "list"; break;
    case ObjKind::Dict: name = "dict"; break;
    case ObjKind::Deque: name = "collections.deque"; break;
    case ObjKind::Set: if (!k.as<SetObj>()->frozen) name = "set"; break;
    case ObjKind::DictView: name = k.as<DictViewObj>()->type_name(); break;
    case ObjKind::Tuple: {
      NativeRecursion guard("");
      for (auto& x : k.as<TupleObj>()->items) if (x.is_obj()) check_hashable(x);
      return;
    }
    default: return;
  }
  if (!name) return;
  std::string message = std::string("unhashable type: '") + name + "'";
  if (Interp* in = current_interp()) in->raise(in->builtins().TypeError, message);
  throw std::runtime_error(message);  // no interpreter (unit tests of plain data)
}

}  // namespace

void DictObj::index_insert(size_t pos) const {
  size_t mask = index_.size() - 1;
  for (size_t h = value_hash(entries[pos].first) & mask;; h = (h + 1) & mask)
    if (!index_[h]) { index_[h] = uint32_t(pos + 1); return; }
}

void DictObj::rebuild_index() const {
  size_t cap = 16;
  while (cap < entries.size() * 2 + 2) cap *= 2;
  index_.assign(cap, 0);
  for (size_t i = 0; i < entries.size(); ++i) index_insert(i);
  index_stale_ = false;
}

size_t DictObj::position(const Value& key) const {
  if (key.is_obj()) check_hashable(key);
  if (entries.size() <= kDictScanMax || unindexable_keys_ || !indexable_key(key)) {
    for (size_t i = 0; i < entries.size(); ++i) if (values_equal(entries[i].first, key)) return i;
    return kAbsent;
  }
  if (index_stale_) rebuild_index();
  size_t mask = index_.size() - 1;
  for (size_t h = value_hash(key) & mask; index_[h]; h = (h + 1) & mask)
    if (values_equal(entries[index_[h] - 1].first, key)) return index_[h] - 1;
  return kAbsent;
}

Value* DictObj::find(const Value& key) {
  // A scenario class's instance: hash() it as Python does (__hash__, or
  // TypeError for a class whose __eq__ left __hash__ None).
  if (may_have_dunders(key) && in_user_class(key)) user_hash(*current_interp(), key);
  size_t i = position(key);
  return i == kAbsent ? nullptr : &entries[i].second;
}

void DictObj::set(const Value& key, Value v) {
  if (Value* slot = find(key)) { *slot = std::move(v); return; }
  if (!indexable_key(key)) ++unindexable_keys_;
  entries.emplace_back(key, std::move(v));
  if (index_stale_ || unindexable_keys_) return;
  if (index_.size() < entries.size() * 2 + 2) index_stale_ = true;  // grows at the next lookup
  else index_insert(entries.size() - 1);
}

bool DictObj::erase(const Value& key) {
  size_t i = position(key);
  if (i == kAbsent) return false;
  if (!indexable_key(entries[i].first)) --unindexable_keys_;
  entries.erase(entries.begin() + long(i));
  index_stale_ = true;  // positions after i moved
  return true;
}

bool DictObj::move_to_end(const Value& key, bool last) {
  size_t i = position(key);
  if (i == kAbsent) return false;
  charge(entries.size() / kItemsPerUnit);  // the entries between move
  if (last) std::rotate(entries.begin() + long(i), entries.begin() + long(i) + 1, entries.end());
  else std::rotate(entries.begin(), entries.begin() + long(i), entries.begin() + long(i) + 1);
  index_stale_ = true;
  return true;
}

void DictObj::clear() {
  entries.clear();
  index_.clear();
  index_stale_ = true;
  unindexable_keys_ = 0;
}

void DictObj::assign(const DictObj& other) {
  entries = other.entries;
  unindexable_keys_ = other.unindexable_keys_;
  index_stale_ = true;
}

}  // namespace corun
