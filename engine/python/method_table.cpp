// MethodTable (method_table.h): the index is built once, with the table.
#include "engine/python/method_table.h"

#include <stdexcept>
#include <string>

namespace corun {

MethodTable::MethodTable(std::initializer_list<NativeMethod> methods) : methods_(methods) {
  if (methods_.size() > kSlots / 2) throw std::logic_error("a method table of more than 32 methods: grow kSlots");
  names_.reserve(methods_.size() + 1);
  for (size_t i = 0; i < methods_.size(); ++i) {
    const std::string_view name = methods_[i].name;
    // A name twice would make one handler unreachable: a bug in the table.
    if (find(name)) throw std::logic_error(std::string("method listed twice: ") + methods_[i].name);
    lengths_.push_back(name.size());
    size_t slot = slot_of(name);
    while (index_[slot]) slot = (slot + 1) & (kSlots - 1);
    index_[slot] = uint8_t(i + 1);
    names_.push_back(methods_[i].name);
  }
  names_.push_back(nullptr);
}

}  // namespace corun
