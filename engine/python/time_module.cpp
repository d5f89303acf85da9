// The `time` module: time(), monotonic() and perf_counter() read the loop's
// clock (inside to_thread's function, the thread's own), and sleep()
// blocks the loop for that long, as it does in CPython.
#include "engine/python/time_module.h"

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// time.time() & co: inside to_thread's function, the thread's own clock.
Value t_time(Interp& in, const Value&, CallArgs&) { return Value::flt(in.loop().thread_time()); }
Value t_sleep(Interp& in, const Value&, CallArgs& a) {
  arity(in, "sleep", a, 1, 1);
  in.loop().block(time_sleep_ns(in, a.pos[0]));
  return Value();
}

}  // namespace

Value make_time_module(Interp&, Builtins&) {
  Ref<ModuleObj> m(new ModuleObj("time"));
  for (const char* name : {"time", "monotonic", "perf_counter"}) m->attrs.emplace_back(name, Value(new BuiltinObj(name, t_time)));
  m->attrs.emplace_back("sleep", Value(new BuiltinObj("sleep", t_sleep)));
  return Value(m);
}

}  // namespace corun
