// What native work charges to the busy budget and reserves from the memory
// budget (engine/vm/budget.h), for the sites that build or walk something whose
// size the user chose: sequence repeat and concatenation, padding, join,
// replace, list(range(...)), sorted(...), big formatting.
//
// The rates are measured so that one unit stays about one interpreted
// instruction (5-10 ns): copying a Value (a 16-byte copy and a reference
// count) is about a quarter of that; building a fresh copy of text (allocating,
// faulting its pages in, copying, freeing) about 1/16 per byte, as measured
// on strip() of 100 MB.
// Items that need Python-level work each (a comparison, truthiness, an
// addition) charge one unit per item with charge_step().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/vm/budget.h"
#include "engine/python/value.h"

namespace corun {

constexpr uint64_t kBytesPerUnit = 16;
constexpr uint64_t kItemsPerUnit = 4;

// Before building n bytes of text: refuses what memory cannot hold
// (MemoryError) and charges the copying.
inline void reserve_bytes(size_t n) {
  reserve(n);
  charge(n / kBytesPerUnit);
}

// sep.join(items) for str and bytes alike: `text(item)` is an item's
// characters (the caller has checked every item's type, with its own
// message); the result's size is checked and reserved before it is built.
template <class TextOf>
std::string join_text(const std::string& sep, const std::vector<Value>& items, TextOf text) {
  size_t total = 0;
  for (const Value& item : items) total = checked_add(total, text(item).size());
  if (items.size() > 1) total = checked_add(total, checked_mul(sep.size(), items.size() - 1));
  reserve_bytes(total);
  std::string out;
  out.reserve(total);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += text(items[i]);
  }
  return out;
}

// Before building a sequence of n Values.
inline void reserve_items(size_t n) {
  reserve(checked_mul(n, sizeof(Value)));
  charge(n / kItemsPerUnit);
}

// Before v.push_back() of a sequence growing item by item (a comprehension,
// list(iterator)): when the vector is about to double, the new block is
// reserved first, so a runaway comprehension raises MemoryError as
// CPython's list growth does, instead of allocating past the limit.
inline void reserve_growth(const std::vector<Value>& v) {
  if (v.size() == v.capacity()) reserve(checked_mul(v.capacity() * 2 + 1, sizeof(Value)));
}

// out += piece, for text assembled from pieces of any size (f-strings,
// print's line): when out must grow, the new buffer (std::string doubles) is
// reserved first, so a huge piece is one MemoryError, not a copy past the limit.
inline void append_reserved(std::string& out, std::string_view piece) {
  if (piece.size() > out.capacity() - out.size()) {
    const size_t needed = checked_add(out.size(), piece.size());
    reserve(needed > 2 * out.capacity() ? needed : 2 * out.capacity());
    charge(piece.size() / kBytesPerUnit);
  }
  out.append(piece);
}

}  // namespace corun
