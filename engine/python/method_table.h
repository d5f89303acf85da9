// The native methods and attributes of one kind of value (str, list, dict,
// deque, Future, Task, Handle; an exception's, a range's, a coroutine's
// attributes): a table of (name, handler), in the order dir() and the
// attribute tests list them, found by name through an index built once when
// the table is made, instead of a chain of string comparisons per call.
// Tables are made on first use and never change. A method handler gets the
// receiver (already known to be of the table's kind) and the call's
// arguments, and checks their number itself with CPython's messages; an
// attribute handler says whether the attribute applies to this value
// (StopIteration.value, gi_running only on a generator ...).
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct CallArgs;

template <class Fn>
class NameTable {
 public:
  struct Entry {
    const char* name;  // static: a bound method's BuiltinObj keeps it
    Fn fn;
  };

  NameTable(std::initializer_list<Entry> entries) : NameTable(std::vector<Entry>(entries)) {}
  explicit NameTable(std::vector<Entry> entries) : entries_(std::move(entries)) {
    if (entries_.size() > kSlots / 2) throw std::logic_error("a name table of more than kSlots / 2 names: grow kSlots");
    names_.reserve(entries_.size() + 1);
    for (size_t i = 0; i < entries_.size(); ++i) {
      const std::string_view name = entries_[i].name;
      // A name twice would make one handler unreachable: a bug in the table.
      if (find(name)) throw std::logic_error(std::string("name listed twice: ") + entries_[i].name);
      lengths_.push_back(name.size());
      size_t slot = slot_of(name);
      while (index_[slot]) slot = (slot + 1) & (kSlots - 1);
      index_[slot] = uint8_t(i + 1);
      names_.push_back(entries_[i].name);
    }
    names_.push_back(nullptr);
  }

  // The entry called `name`, or null: one probe of a small open-addressing
  // index, keyed on the name's length and three of its bytes, then one
  // comparison (a few instructions: the hot calls are deque.append and
  // popleft in the prelude's queues).
  const Entry* find(std::string_view name) const {
    for (size_t i = slot_of(name);; i = (i + 1) & (kSlots - 1)) {
      uint8_t at = index_[i];
      if (at == 0) return nullptr;
      const Entry& e = entries_[at - 1];
      if (lengths_[at - 1] == name.size() && std::memcmp(e.name, name.data(), name.size()) == 0) return &e;
    }
  }
  // The names, in table order, null-terminated.
  const char* const* names() const { return names_.data(); }
  size_t size() const { return entries_.size(); }

 private:
  static constexpr size_t kSlots = 128;  // at most kSlots / 2 names: a probe ends soon
  static size_t slot_of(std::string_view name) {
    if (name.empty()) return 0;
    size_t h = name.size() * 31u + uint8_t(name[0]) * 7u + uint8_t(name[name.size() / 2]) * 3u + uint8_t(name.back());
    return h & (kSlots - 1);
  }
  std::vector<Entry> entries_;
  std::vector<size_t> lengths_;
  std::vector<const char*> names_;
  uint8_t index_[kSlots] = {};  // 1 + the entry's position; 0: empty
};

// obj.name(...) for a native method.
using NativeMethodFn = Value (*)(Interp& in, const Value& self, CallArgs& a);
using MethodTable = NameTable<NativeMethodFn>;
using NativeMethod = MethodTable::Entry;

// obj.name for a native attribute: true with `out` set, false when it does
// not apply to this value (the lookup goes on).
using NativeAttrFn = bool (*)(Interp& in, const Value& obj, Value& out);
using AttrTable = NameTable<NativeAttrFn>;

}  // namespace corun
