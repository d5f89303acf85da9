// What a port of a library method (native.h) needs of its `self`, a
// prelude class's instance: a field by index, checked; and whether the
// method a library method calls on self (`self.reschedule(...)`,
// `self._abort()`) is still the port, so it can be called directly, or a
// subclass (or the instance) replaced it, so it must be called as Python
// would.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "engine/asyncio/native.h"
#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

// self.<name>, by its index in the class's `fields:`: native_field (which
// checks the name inline, and raises CPython's AttributeError when `self`
// is no instance at all, as in asyncio.Timeout.when(5)).
[[gnu::always_inline]] inline Value& self_field(Interp& in, const Value& self, size_t index, std::string_view name) {
  return native_field(in, self, index, name);
}

// Is self.<name> the plain-method port `fn`? (An instance attribute of that
// name, or a subclass's method, says no.) `self` is an instance.
inline bool method_is_port(const Value& self, std::string_view name, NativeCallFn fn) {
  const InstanceObj* inst = self.as<InstanceObj>();
  if (inst->extra_fields)
    for (auto& [k, v] : inst->fields)
      if (*k == name) return false;
  const Value* m = inst->type->find_attr(name);
  if (!m || !m->is(ObjKind::Function)) return false;
  const NativeDef* nd = m->as<FunctionObj>()->code->native;
  return nd && nd->call == fn;
}

// obj.<name>(args...), as a scenario's call would make it (the arguments
// on the stack: ports make these calls per message).
inline Value call_method0(Interp& in, const Value& obj, const std::string& name, std::initializer_list<Value> args = {}) {
  CallArgs a;
  a.pos = args.begin();
  a.npos = args.size();
  return in.call_method(obj, name, a, nullptr);
}

}  // namespace corun
