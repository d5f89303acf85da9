// The native methods of one kind of value (str, list, dict, deque, Future,
// Task, Handle ...): a table of (name, handler), in the order dir() and the
// attribute tests list them, found by name through a hash index built once
// when the table is made, instead of a chain of string comparisons per
// call. Tables are made on first use and never change; a handler gets the
// receiver (already known to be of the table's kind) and the call's
// arguments, and checks their number itself with CPython's messages.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct CallArgs;

using NativeMethodFn = Value (*)(Interp& in, const Value& self, CallArgs& a);

struct NativeMethod {
  const char* name;  // static: a bound method's BuiltinObj keeps it
  NativeMethodFn fn;
};

class MethodTable {
 public:
  MethodTable(std::initializer_list<NativeMethod> methods);
  // The method called `name`, or null: one probe of a small open-addressing
  // index, keyed on the name's length and three of its bytes, then one
  // comparison (a few instructions: the hot calls are deque.append and
  // popleft in the prelude's queues).
  const NativeMethod* find(std::string_view name) const {
    for (size_t i = slot_of(name);; i = (i + 1) & (kSlots - 1)) {
      uint8_t at = index_[i];
      if (at == 0) return nullptr;
      const NativeMethod& m = methods_[at - 1];
      if (lengths_[at - 1] == name.size() && std::memcmp(m.name, name.data(), name.size()) == 0) return &m;
    }
  }
  // The names, in table order, null-terminated.
  const char* const* names() const { return names_.data(); }
  size_t size() const { return methods_.size(); }

 private:
  static constexpr size_t kSlots = 64;  // at most kSlots / 2 methods: a probe ends soon
  static size_t slot_of(std::string_view name) {
    if (name.empty()) return 0;
    size_t h = name.size() * 31u + uint8_t(name[0]) * 7u + uint8_t(name[name.size() / 2]) * 3u + uint8_t(name.back());
    return h & (kSlots - 1);
  }
  std::vector<NativeMethod> methods_;
  std::vector<size_t> lengths_;
  std::vector<const char*> names_;
  uint8_t index_[kSlots] = {};  // 1 + the method's position; 0: empty
};

}  // namespace corun
