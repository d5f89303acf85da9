// Python's set and frozenset, and hash(), as CPython 3.11 has them.
//
// The order a set iterates in is observable (print({3, 1, 2}) shows
// {1, 2, 3}), so the table is a port of Objects/setobject.c: open
// addressing, LINEAR_PROBES, perturbation, dummies, the fill/used/mask
// resize rules and set_pop's finger. For values whose hash is the same on
// every run (ints, bools, floats, tuples and frozensets of them) that gives
// CPython's order exactly. Strings (hash randomisation), None and objects
// hashed by address (tasks, futures, instances, functions) have no order
// CPython repeats from run to run; they are kept apart, in insertion order,
// and iterate after the others (docs/language.md §15).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "engine/python/dict_views.h"
#include "engine/python/value.h"

namespace corun {

class Interp;

// hash(v) as CPython 3.11 computes it where that is the same on every run;
// `stable` is false where CPython's hash depends on the run (then `value` is
// corun's own, consistent with values_equal).
struct PyHash {
  int64_t value;
  bool stable;
};
// Raises TypeError("unhashable type: 'list'") for what Python cannot hash.
PyHash py_hash(Interp& in, const Value& v);

struct SetObj : Object {
  // key Unbound: hash 0 = a never-used slot, hash -1 = a dummy (discarded).
  struct Entry {
    Value key = Value::unbound();
    int64_t hash = 0;
    bool live() const { return !key.is_unbound(); }
  };
  static constexpr size_t kMinSize = 8;  // PySet_MINSIZE

  bool frozen = false;
  // CPython's table, for the values with a stable hash.
  std::vector<Entry> table;
  size_t mask = kMinSize - 1, fill = 0, used = 0, finger = 0;
  // The rest, in insertion order (a discarded one leaves an Unbound hole
  // until holes outnumber the live ones), indexed by hash: an open-
  // addressing table of positions in `others` plus one (0: a free slot,
  // UINT32_MAX: a discarded entry's), at most half full, probed linearly.
  // (A node-based hash map here was a quarter of a TaskGroup child's cost.)
  std::vector<Entry> others;
  size_t others_live = 0;
  std::vector<uint32_t> others_index;
  size_t others_index_used = 0;  // slots not free
  int64_t frozen_hash = -1;  // frozenset: computed once, as CPython caches it

  explicit SetObj(bool is_frozen = false) : Object(ObjKind::Set), frozen(is_frozen), table(kMinSize) {}
  size_t size() const { return used + others_live; }
};

// Set operations, CPython's algorithms (their names are setobject.c's).
namespace pyset {
void add(Interp& in, SetObj* so, const Value& key);                 // set_add_key
bool discard(Interp& in, SetObj* so, const Value& key);              // set_discard_key: found?
bool contains(Interp& in, const SetObj* so, const Value& key);       // set_contains_key
void update(Interp& in, SetObj* so, const Value& iterable);          // set_update_internal
void clear(SetObj* so);                                              // set_clear_internal
Value pop(Interp& in, SetObj* so);                                   // set_pop
Ref<SetObj> make(Interp& in, const Value& iterable, bool frozen);    // make_new_set
Ref<SetObj> copy(Interp& in, const SetObj* so, bool frozen);         // set_copy
Ref<SetObj> intersection(Interp& in, const SetObj* so, const Value& other);
Ref<SetObj> difference(Interp& in, const SetObj* so, const Value& other);
void difference_update(Interp& in, SetObj* so, const Value& other);
void symmetric_difference_update(Interp& in, SetObj* so, const Value& other);
bool issubset(Interp& in, const SetObj* so, const SetObj* other);
bool equal(const SetObj* a, const SetObj* b);                         // for values_equal
// Iteration: table order, then the others in insertion order. `pos` starts at 0.
bool next(const SetObj* so, size_t& pos, const SetObj::Entry*& entry);
std::vector<Value> items(const SetObj* so);
// Builds a set display {a, b, c}: `constant` when CPython folds it to a
// frozenset constant first (3+ literal items), which changes the table size.
Value display(Interp& in, std::vector<Value> items, bool constant);
}  // namespace pyset

// The methods of set and frozenset (engine/python/attrs.cpp dispatches here).
struct CallArgs;
Value set_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found);
extern const char* const kSetMethodNames[];
extern const char* const kFrozenSetMethodNames[];
// a | b, a & b, a - b, a ^ b of two sets (or keys/items views); None when
// the operands are not both set-like (the caller raises TypeError).
bool set_binary_op(Interp& in, char op, const Value& a, const Value& b, Value& out);
// <, <=, >, >= between sets; false when either is not a set.
bool set_order(Interp& in, int op, const Value& a, const Value& b, bool& out);

}  // namespace corun
