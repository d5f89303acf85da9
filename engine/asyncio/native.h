// asyncio's library code in C++: the `async def`s and plain methods of
// CPython's Lib/asyncio (Queue.get, Lock.acquire, Event.wait, wait_for, ...)
// ported as C++ functions, so that a scenario's queue, lock or timeout costs
// a call instead of an interpreted prelude body.
//
// How they meet the interpreter. The prelude (engine/asyncio/*.yaml) still
// declares each class -- its fields, its parameters, what stays in the
// scenario language -- and a method written in C++ says `native: NAME`
// instead of `steps:`. The compiler gives it a CodeObject of one
// instruction (Op::Native) pointing at the NativeDef registered under NAME
// below; calling it binds the arguments into frame slots exactly as for any
// function (so CPython's TypeErrors for a bad call come for free), then:
//   * a plain method (NativeDef::call) runs at once on those slots;
//   * an async method makes an ordinary CoroObj. Its one frame is the
//     coroutine's whole state: the parameters first, then `nlocals` slots
//     the port uses as its locals (slot `label` says where it stopped).
//     Awaiting it, wrapping it in a task, repr(), "never awaited" warnings,
//     cancellation: all as for a scenario's coroutine.
// The common calls skip the frame (engine/vm/native_calls.cpp): a plain
// method called with positional arguments runs on slots on the C++ stack,
// and `await obj.method(...)` runs the async method's first step there,
// making its coroutine only if that step must wait -- with the slots moved
// into the coroutine's frame. So a step never keeps the address of its
// slots (or of one of them) past its return.
//
// An async port is a state machine: `step` runs from where the coroutine
// stopped to its next `await` or its end. It is entered with how it
// resumes -- Start the first time; then Send with the awaited future's
// result, or Throw with the exception that `await` raised there (the
// CancelledError of a cancelled wait) -- and returns either Await(future),
// to suspend until that future is done, or Return(value). Raising is
// throwing, as everywhere in corun (Interp::raise, PyException); a step
// may also return Raise(exception), the same without a C++ throw, for an
// outcome common enough that the throw would cost more than the step
// (wait_for's TimeoutError). Only the interpreter's own calls of a step
// see Raise: native_delegate, for a port running another inline, throws it. Its frame
// is internal: tracebacks and deadlock reports name the scenario line that
// awaited it, never a line of the library.
//
// These coroutines await futures (and tasks), as CPython's do: where
// CPython awaits another library coroutine (Condition.wait awaiting
// lock.acquire()) the port runs that one's step inline (native_delegate
// below). Where that coroutine may be a user's own -- a subclass's acquire(),
// the lock a Condition was given -- Await may name a coroutine: it runs
// inline above the port's frame, as `await` runs it, and the step resumes
// with its result or exception (engine/asyncio/method_calls.h decides which).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/python/objects.h"

namespace corun {

class Interp;

enum class Resume : uint8_t { Start, Send, Throw };

// What an async port does next.
struct NativeStep {
  enum class Kind : uint8_t { Return, Await, Raise } kind;
  // Return: the coroutine's result; Await: the future, task or coroutine
  // to wait on; Raise: the exception
  Value value;
  static NativeStep ret(Value v = Value()) { return {Kind::Return, std::move(v)}; }
  static NativeStep await(Value fut) { return {Kind::Await, std::move(fut)}; }
  static NativeStep raise(Value exc) { return {Kind::Raise, std::move(exc)}; }
};

// `slots`: the frame's slots (parameters, `self` first for methods, then the
// port's locals). `how`/`v`: see above (v is None for Start).
using NativeStepFn = NativeStep (*)(Interp& in, Value* slots, Resume how, Value v);
using NativeCallFn = Value (*)(Interp& in, Value* slots);

struct NativeDef {
  std::string_view name;   // what `native:` names in the prelude ("Queue.get")
  NativeCallFn call;       // a plain function or method; or
  NativeStepFn step;       // an async def
  int nlocals = 0;         // slots after the parameters (step: the first is the label)
};

// The registry, filled by the port files (queues.cpp, locks.cpp, ...):
// null when `name` names nothing.
const NativeDef* find_native(std::string_view name);

// Labels: a port keeps where it stopped in its first local.
inline int label_of(const Value* slots, int at) { return slots[at].is_int() ? int(slots[at].as_int()) : 0; }

// An inline `await` of another port (CPython: `await self._lock.acquire()`
// inside Condition.wait): runs `def`'s step on the slots the caller keeps
// for it. The caller awaits what it awaits, and resumes it with its own
// resumption until it returns.
NativeStep native_delegate(Interp& in, const NativeDef& def, Value* sub_slots, Resume how, Value v);

}  // namespace corun

namespace corun {

// A field of an instance of a prelude class (`self._waiters`), by its
// index in the class's `fields:`: init_fields puts a base class's fields
// before a subclass's, so a subclass of asyncio.Lock keeps them where they
// are. The name is checked, inline (the ports read fields at every step;
// `name` is a literal, so the compare is a few instructions), and looked
// up when an instance differs (native_field_slow).
Value& native_field_slow(Interp& in, const Value& self, size_t index, std::string_view name);
// (A field's name, whether the instance keeps the name or its class's copy of it.)
inline const std::string& field_name(const std::string& k) { return k; }
inline const std::string& field_name(const std::string* k) { return *k; }
[[gnu::always_inline]] inline Value& native_field(Interp& in, const Value& self, size_t index, std::string_view name) {
  if (self.is(ObjKind::Instance)) [[likely]] {
    InstanceObj* inst = self.as<InstanceObj>();
    if (index < inst->fields.size()) [[likely]] {
      auto& [key, v] = inst->fields[index];
      const std::string& k = field_name(key);
      if (k.size() == name.size() && std::char_traits<char>::compare(k.data(), name.data(), name.size()) == 0) return v;
    }
  }
  return native_field_slow(in, self, index, name);
}

}  // namespace corun
