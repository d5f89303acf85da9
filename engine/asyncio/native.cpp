// The registry of library code written in C++ (see native.h): each port
// file hands over its table, and the compiler looks names up here when it
// compiles the prelude's `native:` bodies.
#include "engine/asyncio/native.h"

#include <span>

#include "engine/asyncio/locks.h"
#include "engine/asyncio/queues.h"
#include "engine/asyncio/selector_events.h"
#include "engine/asyncio/streams.h"
#include "engine/asyncio/task_functions.h"
#include "engine/asyncio/taskgroups.h"
#include "engine/asyncio/timeouts.h"
#include "engine/asyncio/threads.h"
#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

const NativeDef* find_native(std::string_view name) {
  for (std::span<const NativeDef> table :
       {locks_natives(), queues_natives(), selector_events_natives(), streams_natives(), task_functions_natives(), threads_natives(),
        timeouts_natives(), taskgroups_natives()})
    for (const NativeDef& d : table)
      if (d.name == name) return &d;
  return nullptr;
}

NativeStep native_delegate(Interp& in, const NativeDef& def, Value* sub_slots, Resume how, Value v) {
  NativeStep r = def.step(in, sub_slots, how, std::move(v));
  if (r.kind == NativeStep::Kind::Raise) in.raise_value(std::move(r.value));  // the delegating port catches what it throws
  return r;
}

[[gnu::noinline, gnu::cold]] Value& native_field_slow(Interp& in, const Value& self, size_t index, std::string_view name) {
  // A method called unbound on something else (asyncio.Lock.release(5)):
  // CPython's code fails at its first self.<field>, with this message.
  if (!self.is(ObjKind::Instance))
    in.raise(in.builtins().AttributeError,
             "'" + in.type_of(self)->name + "' object has no attribute '" + std::string(name) + "'");
  InstanceObj* inst = self.as<InstanceObj>();
  if (index < inst->fields.size() && *inst->fields[index].first == name) return inst->fields[index].second;
  if (Value* v = inst->find(name)) return *v;
  in.raise(in.builtins().AttributeError,
           "'" + inst->type->name + "' object has no attribute '" + std::string(name) + "'");
}

}  // namespace corun
