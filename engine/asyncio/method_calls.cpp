// Calls through `self` from the library ports (see method_calls.h).
#include "engine/asyncio/method_calls.h"

#include <cstdint>
#include <string>

#include "engine/compile/code.h"
#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// What `self.name` finds, when it is a port taking `nparams` parameters
// (`self` and nparams - 1 positional ones, no *args): its def, and in
// `bound` the object it runs on -- self, or for a bound method
// kept as an instance attribute (Condition's locked/acquire/release) the
// object it is bound to. Null when it is anything else: an override in
// Python, a function with other parameters, an attribute that is no method.
//
// The answer for an instance of a library class with only its class's
// declared fields, when no field has that name, is its class's, and a
// library class's attributes never change (a scenario may not set them;
// a scenario's own class may gain new ones, so it is not remembered): a
// few entries per thread remember it, keyed on the class's id and the
// name's address (every name passed here is a literal) and nparams.
struct PortEntry {
  uint64_t type_id = 0;
  const char* name = nullptr;
  size_t nparams = 0;
  const NativeDef* def = nullptr;
};
// (64 sets of two, chosen by the top bits of a multiplicative hash: a
// stream's echo alone calls six such names on three classes per message.
// One entry a set, any two of those keys that met in a set evicted each
// other on every message -- with eight live keys in 64 slots, a one in
// three chance that moved with the addresses of the literals from build
// to build; in a set of two, the newest key goes first and the one it
// displaces stays second.)
constexpr size_t kPortSetBits = 6;
thread_local PortEntry t_ports[size_t(1) << kPortSetBits][2];

PortEntry* port_set(uint64_t type_id, const char* name) {
  uint64_t h = type_id * 0x9E3779B97F4A7C15ull ^ uint64_t(reinterpret_cast<uintptr_t>(name)) * 0xC2B2AE3D27D4EB4Full;
  return t_ports[h >> (64 - kPortSetBits)];
}

// A function's port, when it takes exactly nparams positional parameters.
const NativeDef* port_of(const FunctionObj* fn, size_t nparams) {
  const CodeObject* code = fn->code;
  if (!code->native || code->params.size() != nparams || code->varargs_slot >= 0) return nullptr;
  return code->native;
}

const NativeDef* class_port(const InstanceObj* inst, std::string_view name, size_t nparams) {
  const Value* cv = inst->type->find_attr(name);
  if (!cv || !cv->is(ObjKind::Function)) return nullptr;
  return port_of(cv->as<FunctionObj>(), nparams);
}

const NativeDef* self_port(const Value& self, std::string_view name, Value& bound, size_t nparams = 1) {
  if (!self.is(ObjKind::Instance)) return nullptr;
  InstanceObj* inst = self.as<InstanceObj>();
  if (!inst->extra_fields) {
    PortEntry* set = port_set(inst->type->id, name.data());
    for (int way = 0; way < 2; ++way) {
      const PortEntry& e = set[way];
      if (e.type_id == inst->type->id && e.name == name.data() && e.nparams == nparams) {
        bound = self;
        return e.def;
      }
    }
    if (!inst->find(name) && inst->type->module != "__main__") {
      set[1] = set[0];
      set[0] = PortEntry{inst->type->id, name.data(), nparams, class_port(inst, name, nparams)};
      bound = self;
      return set[0].def;
    }
  }
  const FunctionObj* fn = nullptr;
  if (Value* v = inst->find(name)) {
    if (!v->is(ObjKind::BoundMethod)) return nullptr;
    BoundMethodObj* bm = v->as<BoundMethodObj>();
    if (!bm->func.is(ObjKind::Function)) return nullptr;
    fn = bm->func.as<FunctionObj>();
    bound = bm->self;
  } else {
    const Value* cv = inst->type->find_attr(name);
    if (!cv || !cv->is(ObjKind::Function)) return nullptr;
    fn = cv->as<FunctionObj>();
    bound = self;
  }
  return port_of(fn, nparams);
}

bool awaitable(const Value& v) {
  return v.is(ObjKind::Coroutine) || v.is(ObjKind::Future) || v.is(ObjKind::Task);
}

}  // namespace

Value call_method(Interp& in, const Value& self, std::string_view name) {
  Value bound;
  if (const NativeDef* d = self_port(self, name, bound); d && d->call) {
    Value slot[1] = {bound};
    return d->call(in, slot);
  }
  return in.call0(in.get_attr(self, std::string(name)), {});
}

Value call_method(Interp& in, const Value& self, std::string_view name, const Value& arg) {
  Value bound;
  if (const NativeDef* d = self_port(self, name, bound, 2); d && d->call && d->nlocals == 0) {
    Value slots[2] = {bound, arg};
    return d->call(in, slots);
  }
  return in.call0(in.get_attr(self, std::string(name)), {arg});
}

// m[0]: unbound (not started), -1 (awaiting what the call returned), or
// the address of the port's NativeDef (running it on m[1..]).
NativeStep await_method(Interp& in, const Value& self, std::string_view name, Value* m, int room, Resume how, Value v) {
  if (m[0].is_unbound()) {
    Value bound;
    const NativeDef* d = self_port(self, name, bound);
    if (d && d->step && await_room(d->nlocals) <= room) {
      m[0] = Value::integer(int64_t(reinterpret_cast<intptr_t>(d)));
      m[1] = std::move(bound);
      how = Resume::Start;
      v = Value();
    } else {
      Value aw = in.call0(in.get_attr(self, std::string(name)), {});
      if (!awaitable(aw))
        in.raise(in.builtins().TypeError, "object " + in.type_of(aw)->name + " can't be used in 'await' expression");
      m[0] = Value::integer(-1);
      return NativeStep::await(std::move(aw));
    }
  }
  if (m[0].as_int() == -1) {
    m[0] = Value::unbound();
    if (how == Resume::Throw) in.raise_value(std::move(v));
    return NativeStep::ret(std::move(v));
  }
  const NativeDef* d = reinterpret_cast<const NativeDef*>(intptr_t(m[0].as_int()));
  NativeStep r = native_delegate(in, *d, m + 1, how, std::move(v));
  if (r.kind == NativeStep::Kind::Return) reset_slots(m, await_room(d->nlocals));
  return r;
}

}  // namespace corun
