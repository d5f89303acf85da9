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
#include "engine/python/bytes.h"
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

// `except (SystemExit, KeyboardInterrupt):` -- what the library's
// `except BaseException` handlers re-raise rather than handle.
inline bool is_exit_exception(Interp& in, const Value& exc) {
  const TypeObj* t = in.type_of(exc);
  return t->is_subclass_of(in.builtins().SystemExit) || t->is_subclass_of(in.builtins().KeyboardInterrupt);
}

// len(x) in a port: the size of the deques, lists and bytes the library
// keeps (a queue's items, a stream's buffer) at once; anything else -- a
// user's replacement -- through the builtin, as Python would call it.
inline Value py_len(Interp& in, const Value& x) {
  if (x.is(ObjKind::Deque)) return Value::integer(int64_t(x.as<DequeObj>()->items.size()));
  if (x.is(ObjKind::List)) return Value::integer(int64_t(x.as<ListObj>()->items.size()));
  if (x.is(ObjKind::Bytes)) return Value::integer(int64_t(x.as<BytesObj>()->b.size()));
  static const int len_index = builtin_index("len");
  return in.call0(in.builtins().values[size_t(len_index)], {x});
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
