// Calls a library port makes through `self`, as CPython's code makes them.
//
// CPython's asyncio calls its own methods through the instance --
// `self.locked()`, `await self.acquire()`, `self._cond.notify_all()` -- so
// that a subclass's override is what runs (and Condition's `acquire` is
// whatever lock it was given). The ports do the same: the attribute is
// looked up as Python would find it, and only when what is found is itself
// a port taking no argument but `self` is it run directly, with no frame
// and no coroutine; anything else is called (and, for an await, awaited:
// run_native runs a coroutine inline above the port's frame).
#pragma once

#include <string_view>

#include "engine/asyncio/native.h"

namespace corun {

// The instance has attributes beyond its class's declared fields (set by
// the scenario): only then can one of them hide a method of its class.
inline bool has_own_attributes(const Value& self) {
  return self.is(ObjKind::Instance) && self.as<InstanceObj>()->extra_fields;
}

// `self.name()` for a plain method: the result.
Value call_method(Interp& in, const Value& self, std::string_view name);
// `self.name(arg)`, the same way.
Value call_method(Interp& in, const Value& self, std::string_view name, const Value& arg);

// `await self.name()` inside an async port, as a sub-step. `m` is `room`
// slots the caller keeps for it, all unbound before it starts (and again
// after it returns; a caller that catches an exception from it resets them
// with reset_slots): m[0] says what runs, the rest hold a port's frame.
// Returns Await (the caller returns it, and calls this again with how it
// resumed) or Return(the method's result).
NativeStep await_method(Interp& in, const Value& self, std::string_view name, Value* m, int room, Resume how, Value v);

inline void reset_slots(Value* m, int n) {
  for (int i = 0; i < n; ++i) m[i] = Value::unbound();
}

// The slots await_method needs to run a port with `nlocals` locals inline.
constexpr int await_room(int nlocals) { return 2 + nlocals; }

}  // namespace corun
