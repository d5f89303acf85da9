// The modules a scenario's expressions can use: asyncio, time, random; and
// the instantiation of a program's own definitions (coroutines, functions,
// exception classes, classes) as global values.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/vm/interp.h"
#include "engine/python/sets.h"
#include "engine/python/recursion.h"

namespace corun {

namespace {

// Native coroutines are CodeObjects too, written here instead of in YAML:
// asyncio.sleep(delay, result=None) is `sleep: delay; return: result`.
struct NativeCodes {
  CodeObject sleep;
  CodeObject noop_asyncgens;
  CodeObject noop_executor;
  NativeCodes() {
    sleep.name = "sleep";
    sleep.params = {"delay", "result"};
    sleep.slot_names = {"delay", "result"};
    auto name_ref = [&](const char* n, int slot) {
      auto e = std::make_unique<Expr>(ExprKind::Name, SourcePos{});
      e->name = n;
      e->scope = Scope::Local;
      e->slot = slot;
      return sleep.own(std::move(e));
    };
    Instr s{Op::Sleep};
    s.e = name_ref("delay", 0);
    Instr r{Op::Return};
    r.e = name_ref("result", 1);
    sleep.code = {s, r};
    for (CodeObject* c : {&noop_asyncgens, &noop_executor}) c->code = {Instr{Op::Return}};
    noop_asyncgens.name = "shutdown_asyncgens";
    noop_executor.name = "shutdown_default_executor";
  }
};

const NativeCodes& native() {
  static NativeCodes codes;
  return codes;
}

void arity(Interp& in, const char* fn, CallArgs& a, size_t lo, size_t hi) {
  if (a.npos < lo || a.npos > hi)
    in.raise(in.builtins().TypeError, std::string(fn) + "() takes " + std::to_string(lo) +
                                          (lo == hi ? "" : " to " + std::to_string(hi)) + " positional arguments but " +
                                          std::to_string(a.npos) + " were given");
}

Value a_sleep(Interp& in, const Value&, CallArgs& a) {
  arity(in, "sleep", a, 1, 2);
  FunctionObj fn(&native().sleep);
  fn.defaults = {Value::unbound(), Value()};
  return in.make_coroutine(&fn, a, nullptr, Value());
}

Value a_gather(Interp& in, const Value&, CallArgs& a) {
  const Value* re = a.kwarg("return_exceptions");
  for (size_t i = 0; i < a.nkw; ++i)
    if (a.kwnames[i] != "return_exceptions")
      in.raise(in.builtins().TypeError, "gather() got an unexpected keyword argument '" + a.kwnames[i] + "'");
  return in.gather(std::vector<Value>(a.pos, a.pos + a.npos), re && in.truthy(*re));
}

Value a_create_task(Interp& in, const Value&, CallArgs& a) {
  arity(in, "create_task", a, 1, 1);
  in.running_loop_object();  // RuntimeError: no running event loop
  const Value* name = a.kwarg("name");
  return Value(in.create_task(a.pos[0], name ? *name : Value()));
}

Value a_current_task(Interp& in, const Value&, CallArgs& a) {
  arity(in, "current_task", a, 0, 1);
  if (a.npos == 0 || a.pos[0].is_none()) in.running_loop_object();
  TaskObj* t = in.current_task();
  return t ? Value(t) : Value();
}

Value a_all_tasks(Interp& in, const Value&, CallArgs& a) {
  arity(in, "all_tasks", a, 0, 1);
  if (a.npos == 0 || a.pos[0].is_none()) in.running_loop_object();
  Ref<SetObj> out(new SetObj());  // tasks hash by address: the set keeps creation order
  for (TaskObj* t : in.all_tasks()) pyset::add(in, out.get(), Value(t));
  return Value(out);
}


}  // namespace

// The loop's methods: engine/asyncio/event_loops.cpp binds them to each loop object.
Value loop_time(Interp& in, const Value&, CallArgs&) { return Value::flt(in.loop().time()); }

// A handle's callback is any callable; an exception in it is logged and the
// loop goes on, as BaseEventLoop.call_exception_handler does.
void run_callable_handle(Interp& in, const Value& fn, const Value& args) {
  try {
    in.call0(fn, args.as<TupleObj>()->items);
  } catch (PyException& e) {
    Value handle = in.loops().handle;
    if (!handle.is(ObjKind::Handle)) handle = Value(new HandleObj(run_callable_handle, fn, args));
    in.report_callback_exception(e.exc, handle);
  }
}

std::vector<Value> rest_args(CallArgs& a, size_t from) {
  return from < a.npos ? std::vector<Value>(a.pos + from, a.pos + a.npos) : std::vector<Value>{};
}

Value loop_call_soon(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 1) in.raise(in.builtins().TypeError, "call_soon() missing 1 required positional argument: 'callback'");
  Ref<HandleObj> h(new HandleObj(run_callable_handle, a.pos[0], make_tuple(rest_args(a, 1))));
  in.loop().call_handle_soon(h);
  return Value(h);
}

// A TimerHandle's `when` (seconds on the loop's clock) as a deadline in ns.
// CPython keeps any object there; _run_once's `handle._when >= end_time`
// is the first arithmetic with it, and its TypeError is raised here instead.
int64_t timer_deadline(Interp& in, const Value& when) {
  if (when.is_intlike()) return int_seconds_to_ns(when.as_int());
  if (when.is_float()) {
    double d = when.as_float();
    return std::isnan(d) ? in.loop().now() : float_seconds_to_ns(d);  // nan >= x is false: due at once
  }
  if (when.is_bigint()) return in.compare(CmpOp::Gt, when, Value::integer(0)) ? kNever : INT64_MIN;
  in.compare(CmpOp::Ge, when, Value::flt(in.loop().time()));  // raises CPython's TypeError
  in.raise(in.builtins().TypeError, "a number of seconds is required, not '" + in.type_of(when)->name + "'");
}

// loop.call_later(delay): CPython schedules call_at(self.time() + delay), in
// floats. Ints and floats take the exact nanosecond path; anything else does
// CPython's addition, for its result or its TypeError / OverflowError.
int64_t call_later_deadline(Interp& in, const Value& delay) {
  EventLoop& loop = in.loop();
  if (delay.is_intlike()) return add_ns_saturated(loop.now(), int_seconds_to_ns(delay.as_int()));
  if (delay.is_float()) {
    // time() + nan is a deadline every comparison calls due: it fires at once.
    if (std::isnan(delay.as_float())) return loop.now();
    return add_ns_saturated(loop.now(), float_seconds_to_ns(delay.as_float()));
  }
  if (delay.is_none()) in.raise(in.builtins().TypeError, "delay must not be None");
  Value when = in.binary_op(BinOp::Add, Value::flt(loop.time()), delay);
  return timer_deadline(in, when);
}

Value loop_call_later(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 2) in.raise(in.builtins().TypeError, "call_later() takes a delay and a callback");
  return Value(in.loop().call_at(call_later_deadline(in, a.pos[0]), run_callable_handle, a.pos[1], make_tuple(rest_args(a, 2))));
}

Value loop_call_at(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 2) in.raise(in.builtins().TypeError, "call_at() takes a time and a callback");
  if (a.pos[0].is_none()) in.raise(in.builtins().TypeError, "when cannot be None");
  return Value(in.loop().call_at(timer_deadline(in, a.pos[0]), run_callable_handle, a.pos[1], make_tuple(rest_args(a, 2))));
}

Value loop_create_task(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "create_task() takes one coroutine");
  const Value* name = a.kwarg("name");
  return Value(in.create_task(a.pos[0], name ? *name : Value()));
}
Value loop_create_future(Interp& in, const Value&, CallArgs&) { return Value(in.create_future()); }

namespace {

// time.time() & co: inside to_thread's function, the thread's own clock.
Value t_time(Interp& in, const Value&, CallArgs&) { return Value::flt(in.loop().thread_time()); }
Value t_sleep(Interp& in, const Value&, CallArgs& a) {
  arity(in, "sleep", a, 1, 1);
  in.loop().block(time_sleep_ns(in, a.pos[0]));
  return Value();
}

}  // namespace

// ---- private helpers of the asyncio prelude ---------------------------------------------

namespace {

Value h_partial(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 1) in.raise(in.builtins().TypeError, "partial() needs a callable");
  Value bound = make_tuple(std::vector<Value>(a.pos, a.pos + a.npos));
  return Value(new BuiltinObj("partial", [](Interp& in, const Value& self, CallArgs& call) -> Value {
    const auto& b = self.as<TupleObj>()->items;
    std::vector<Value> args(b.begin() + 1, b.end());
    for (size_t i = 0; i < call.npos; ++i) args.push_back(call.pos[i]);
    return in.call0(b[0], std::move(args));
  }, bound));
}

Value h_ensure_future(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "ensure_future() takes one argument");
  const Value& x = a.pos[0];
  if (x.is(ObjKind::Future) || x.is(ObjKind::Task)) return x;
  if (x.is(ObjKind::Coroutine) && x.as<CoroObj>()->frame.code->is_coroutine && !x.as<CoroObj>()->frame.code->is_async_gen)
    return Value(in.create_task(x, Value()));
  // Another awaitable (an async generator's asend/athrow/aclose): wrapped in a coroutine, as _wrap_awaitable does.
  if (x.is(ObjKind::Anext)) return Value(in.create_task(in.call0(in.prelude_function("_wrap_awaitable"), {x}), Value()));
  in.raise(in.builtins().TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
}

Value h_iscoroutine(Interp& in, const Value&, CallArgs& a) { return Value::boolean(a.npos == 1 && a.pos[0].is(ObjKind::Coroutine)); }
Value h_isfuture(Interp& in, const Value&, CallArgs& a) {
  return Value::boolean(a.npos == 1 && (a.pos[0].is(ObjKind::Future) || a.pos[0].is(ObjKind::Task)));
}

Value h_eg_split(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 2 || !a.pos[0].is(ObjKind::Exception)) in.raise(in.builtins().TypeError, "_eg_split(exc, types)");
  auto [m, r] = except_star_split(in, a.pos[0], a.pos[1]);
  return make_tuple({m, r});
}

// to_thread's model on the virtual clock: the function runs at once, and the
// time its blocking steps take passes on a clock of its own, not the loop's;
// the caller gets the result that much later. Returns (ok, value, seconds).
Value h_run_in_thread(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 2) in.raise(in.builtins().TypeError, "_run_in_thread(fn, args)");
  int64_t spent = in.loop().begin_thread_time();
  Value ok = Value::boolean(true), result;
  try {
    result = in.call0(a.pos[0], in.to_vector(a.pos[1]));
  } catch (PyException& e) {
    ok = Value::boolean(false);
    result = e.exc;
  }
  spent = in.loop().end_thread_time(spent);
  return make_tuple({ok, result, Value::flt(double(spent) / 1e9)});
}

bool is_async_gen(const Value& v) { return v.is(ObjKind::Coroutine) && v.as<CoroObj>()->frame.code->is_async_gen; }

// aiter(x): an async generator is its own iterator; an object has __aiter__.
// collections.deque(): an empty one (the prelude's queues make their own).
Value h_deque(Interp& in, const Value&, CallArgs& a) {
  if (a.npos || a.nkw) in.raise(in.builtins().TypeError, "_deque() takes no arguments");
  return Value(new DequeObj());
}


Value h_aiter(Interp& in, const Value&, CallArgs& a) {
  const Value& x = a.pos[0];
  if (is_async_gen(x)) return x;
  if (x.is(ObjKind::Instance) && x.as<InstanceObj>()->type->find_attr("__aiter__")) {
    CallArgs none;
    return in.call_method(x, "__aiter__", none, nullptr);
  }
  in.raise(in.builtins().TypeError, "'async for' requires an object with __aiter__ method, got " + in.type_of(x)->name);
}

// anext(x): what `async for` awaits for each item.
Value h_anext(Interp& in, const Value&, CallArgs& a) {
  const Value& x = a.pos[0];
  if (is_async_gen(x)) return in.make_agen_awaitable(x, AnextObj::Mode::Send, Value());
  if (x.is(ObjKind::Instance) && x.as<InstanceObj>()->type->find_attr("__anext__")) {
    CallArgs none;
    return in.call_method(x, "__anext__", none, nullptr);
  }
  in.raise(in.builtins().TypeError, "'async for' received an object from __aiter__ that does not implement __anext__: " +
                                        in.type_of(x)->name);
}

}  // namespace

// shutdown_asyncgens(): the loop's alive async generators, which it forgets.
Value h_take_asyncgens(Interp& in, const Value&, CallArgs&) { return make_list(in.take_asyncgens()); }

// shutdown_asyncgens()'s call_exception_handler, through the default
// handler: the message, the context's other keys, the traceback.
Value h_report_asyncgen_error(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 2) in.raise(in.builtins().TypeError, "_report_asyncgen_error(agen, exc)");
  std::string agen = in.repr(a.pos[0]);
  in.write_err("an error occurred during closing of asynchronous generator " + agen + "\nasyncgen: " + agen + "\n");
  in.print_traceback(a.pos[1]);
  return Value();
}

Value h_ensure_future_public(Interp& in, const Value& self, CallArgs& a) { return h_ensure_future(in, self, a); }

// asyncio.iscoroutine / iscoroutinefunction / isfuture (coroutines.py,
// base_futures.py): an async generator is not a coroutine, nor is an async
// generator function a coroutine function.
Value a_iscoroutine(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "iscoroutine() takes exactly one argument");
  const Value& x = a.pos[0];
  return Value::boolean(x.is(ObjKind::Coroutine) && !x.as<CoroObj>()->frame.code->is_async_gen);
}

Value a_iscoroutinefunction(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "iscoroutinefunction() takes exactly one argument");
  Value f = a.pos[0];
  if (f.is(ObjKind::BoundMethod)) f = f.as<BoundMethodObj>()->func;
  if (f.is(ObjKind::Function)) {
    const CodeObject* code = f.as<FunctionObj>()->code;
    return Value::boolean(code->is_coroutine && !code->is_async_gen);
  }
  // asyncio.sleep is an `async def` in CPython; corun's is native.
  return Value::boolean(f.is(ObjKind::Builtin) && std::string_view(f.as<BuiltinObj>()->name) == "sleep" &&
                        f.as<BuiltinObj>()->self.is_none());
}

Value a_isfuture(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "isfuture() takes exactly one argument");
  return Value::boolean(a.pos[0].is(ObjKind::Future) || a.pos[0].is(ObjKind::Task));
}

// The Lib/asyncio module a prelude class comes from, as its __module__ and
// repr name it (asyncio.locks.Lock).
std::string prelude_class_module(const std::string& name) {
  for (const char* n : {"Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore", "Barrier"})
    if (name == n) return "asyncio.locks";
  for (const char* n : {"Queue", "PriorityQueue", "LifoQueue"})
    if (name == n) return "asyncio.queues";
  if (name == "Timeout") return "asyncio.timeouts";
  if (name == "TaskGroup") return "asyncio.taskgroups";
  return "asyncio";
}

std::string fake_address(const void* p);  // engine/python/text.cpp

// object.__repr__(x) and the address it shows, for the prelude's __repr__s
// (super().__repr__() and id() in CPython's).
Value h_address(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || !a.pos[0].is_obj()) in.raise(in.builtins().TypeError, "_address() takes an object");
  return make_str(fake_address(a.pos[0].obj()));
}

void add_prelude_helpers(Interp&, Builtins& b) {
  auto fn = [&](const char* name, Builtin f) { b.values[size_t(builtin_index(name))] = Value(new BuiltinObj(name, f)); };
  fn("_partial", h_partial);
  fn("_ensure_future", h_ensure_future);
  fn("_iscoroutine", h_iscoroutine);
  fn("_isfuture", h_isfuture);
  fn("_eg_split", h_eg_split);
  fn("_run_in_thread", h_run_in_thread);
  fn("_aiter", h_aiter);
  fn("_anext", h_anext);
  fn("_deque", h_deque);
  fn("_address", h_address);
  fn("_take_asyncgens", h_take_asyncgens);
  fn("_report_asyncgen_error", h_report_asyncgen_error);
}

Value make_noop_coroutine(Interp& in, const char* name) {
  const CodeObject* code = std::string(name) == "shutdown_asyncgens" ? &native().noop_asyncgens : &native().noop_executor;
  FunctionObj fn(code);
  CallArgs none;
  return in.make_coroutine(&fn, none, nullptr, Value());
}

Value make_asyncio_module(Interp& in, Builtins& b) {
  Ref<ModuleObj> m(new ModuleObj("asyncio"));
  auto fn = [&](const char* name, Builtin f) { m->attrs.emplace_back(name, Value(new BuiltinObj(name, f))); };
  fn("sleep", a_sleep);
  fn("gather", a_gather);
  fn("create_task", a_create_task);
  fn("ensure_future", h_ensure_future_public);
  fn("iscoroutine", a_iscoroutine);
  fn("iscoroutinefunction", a_iscoroutinefunction);
  fn("isfuture", a_isfuture);
  fn("current_task", a_current_task);
  fn("all_tasks", a_all_tasks);
  extern void add_event_loop_functions(Interp&, ModuleObj&);
  add_event_loop_functions(in, *m);
  m->attrs.emplace_back("CancelledError", Value(b.CancelledError));
  m->attrs.emplace_back("TimeoutError", Value(b.TimeoutError));
  m->attrs.emplace_back("InvalidStateError", Value(b.InvalidStateError));
  m->attrs.emplace_back("BrokenBarrierError", Value(b.BrokenBarrierError));
  m->attrs.emplace_back("QueueEmpty", Value(b.QueueEmpty));
  m->attrs.emplace_back("QueueFull", Value(b.QueueFull));
  m->attrs.emplace_back("Future", Value(b.future));
  for (const char* c : {"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"}) m->attrs.emplace_back(c, make_str(c));
  m->attrs.emplace_back("Task", Value(b.task));
  return Value(m);
}

Value make_time_module(Interp&, Builtins&) {
  Ref<ModuleObj> m(new ModuleObj("time"));
  for (const char* name : {"time", "monotonic", "perf_counter"}) m->attrs.emplace_back(name, Value(new BuiltinObj(name, t_time)));
  m->attrs.emplace_back("sleep", Value(new BuiltinObj("sleep", t_sleep)));
  return Value(m);
}

// ---- random: CPython's Mersenne Twister, bit for bit -------------------------------------

namespace {

struct MersenneTwister : Object {
  uint32_t mt[624];
  int index = 625;
  MersenneTwister() : Object(ObjKind::Misc) {}
  void init_genrand(uint32_t s) {
    mt[0] = s;
    for (int i = 1; i < 624; ++i) mt[i] = 1812433253U * (mt[i - 1] ^ (mt[i - 1] >> 30)) + uint32_t(i);
    index = 624;
  }
  void init_by_array(const std::vector<uint32_t>& key) {
    init_genrand(19650218U);
    size_t i = 1, j = 0, k = std::max<size_t>(624, key.size());
    for (; k; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + uint32_t(j);
      ++i; ++j;
      if (i >= 624) { mt[0] = mt[623]; i = 1; }
      if (j >= key.size()) j = 0;
    }
    for (k = 623; k; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - uint32_t(i);
      ++i;
      if (i >= 624) { mt[0] = mt[623]; i = 1; }
    }
    mt[0] = 0x80000000U;
  }
  uint32_t next() {
    static const uint32_t mag01[2] = {0, 0x9908b0dfU};
    if (index >= 624) {
      int kk = 0;
      uint32_t y;
      for (; kk < 624 - 397; ++kk) {
        y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
        mt[kk] = mt[kk + 397] ^ (y >> 1) ^ mag01[y & 1];
      }
      for (; kk < 623; ++kk) {
        y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
        mt[kk] = mt[kk + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1];
      }
      y = (mt[623] & 0x80000000U) | (mt[0] & 0x7fffffffU);
      mt[623] = mt[396] ^ (y >> 1) ^ mag01[y & 1];
      index = 0;
    }
    uint32_t y = mt[index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
  }
  double random() {
    uint32_t a = next() >> 5, b = next() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }
  // random_getrandbits: 32-bit words, least significant first; the last
  // word keeps only its top bits.
  unsigned __int128 getrandbits(int k) {
    unsigned __int128 r = 0;
    for (int shift = 0; k > 0; shift += 32, k -= 32) {
      uint32_t w = next();
      if (k < 32) w >>= (32 - k);
      r |= (unsigned __int128)w << shift;
    }
    return r;
  }
  // _randbelow_with_getrandbits(n), for 1 <= n <= 2**64.
  uint64_t randbelow(unsigned __int128 n) {
    int k = 0;
    for (unsigned __int128 m = n; m; m >>= 1) ++k;
    unsigned __int128 r = getrandbits(k);
    while (r >= n) r = getrandbits(k);
    return uint64_t(r);
  }
  // Seeding walks the 624-word state twice: done when the program first
  // draws a number, not for every run (most never do).
  int64_t initial_seed = 0;
  bool seeded = false;
  void seed(int64_t n) {
    seeded = true;
    uint64_t u = n < 0 ? uint64_t(-(n + 1)) + 1 : uint64_t(n);
    std::vector<uint32_t> key;
    while (u) { key.push_back(uint32_t(u & 0xffffffffU)); u >>= 32; }
    if (key.empty()) key.push_back(0);
    init_by_array(key);
  }
};

MersenneTwister* rng_of(const Value& self) {
  MersenneTwister* rng = self.as<MersenneTwister>();
  if (!rng->seeded) rng->seed(rng->initial_seed);
  return rng;
}

Value r_seed(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1 || !a.pos[0].is_intlike()) in.raise(in.builtins().TypeError, "corun's random.seed() takes one integer");
  self.as<MersenneTwister>()->seed(a.pos[0].as_int());
  return Value();
}

Value r_random(Interp& in, const Value& self, CallArgs& a) { return Value::flt(rng_of(self)->random()); }

Value r_uniform(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 2 || !a.pos[0].is_number() || !a.pos[1].is_number())
    in.raise(in.builtins().TypeError, "uniform() takes 2 numbers");
  double lo = a.pos[0].as_double(), hi = a.pos[1].as_double();
  return Value::flt(lo + (hi - lo) * rng_of(self)->random());
}

Value r_randint(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 2 || !a.pos[0].is_intlike() || !a.pos[1].is_intlike())
    in.raise(in.builtins().TypeError, "randint() takes 2 integers");
  int64_t lo = a.pos[0].as_int(), hi = a.pos[1].as_int();
  if (hi < lo)
    in.raise(in.builtins().ValueError, "empty range for randrange() (" + std::to_string(lo) + ", " + std::to_string(__int128(hi) + 1 <= INT64_MAX ? hi + 1 : hi) +
                                           ", " + std::to_string(int64_t((__int128(hi) + 1 - lo))) + ")");
  unsigned __int128 n = (unsigned __int128)((__int128)hi - lo + 1);
  return Value::integer(int64_t((__int128)lo + rng_of(self)->randbelow(n)));
}

Value r_choice(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "choice() takes 1 argument");
  if (a.pos[0].is(ObjKind::Range)) {  // index a range, never build it
    auto* r = a.pos[0].as<RangeObj>();
    unsigned __int128 n = r->length_wide();
    if (n == 0) in.raise(in.builtins().IndexError, "Cannot choose from an empty sequence");
    return Value::integer(int64_t((__int128)r->start + (__int128)rng_of(self)->randbelow(n) * r->step));
  }
  std::vector<Value> items = in.to_vector(a.pos[0]);
  if (items.empty()) in.raise(in.builtins().IndexError, "Cannot choose from an empty sequence");
  return items[rng_of(self)->randbelow(items.size())];
}

}  // namespace

Value make_random_module(Interp& in, Builtins&) {
  Ref<MersenneTwister> rng(new MersenneTwister());
  const Program& p = in.program();
  rng->initial_seed = p.has_seed ? p.seed : int64_t(std::chrono::steady_clock::now().time_since_epoch().count());
  Ref<ModuleObj> m(new ModuleObj("random"));
  auto fn = [&](const char* name, Builtin f) { m->attrs.emplace_back(name, Value(new BuiltinObj(name, f, Value(rng)))); };
  fn("seed", r_seed);
  fn("random", r_random);
  fn("uniform", r_uniform);
  fn("randint", r_randint);
  fn("choice", r_choice);
  return Value(m);
}

// ---- the program's own definitions -------------------------------------------------------

namespace {

// @decorators, applied bottom-up once the definition exists, as Python
// does -- in the order `corun export` writes the definitions (functions,
// then classes, then coroutines), so that their side effects come in
// Python's order. The name is bound to what the outermost one returns.
Value decorated(Interp& in, const CodeObject* code, Value fn, Frame& scope) {
  std::vector<Value> decorators;
  for (const Expr* d : code->decorators) decorators.push_back(in.eval(*d, scope));
  for (auto it = decorators.rbegin(); it != decorators.rend(); ++it) fn = in.call0(*it, {std::move(fn)});
  return fn;
}

void apply_decorators(Interp& in, const Program& p, std::vector<Value>& globals, Frame& scope) {
  for (bool coroutines : {false, true}) {
    for (auto& def : p.functions)
      if (def.code->is_coroutine == coroutines && !def.code->decorators.empty())
        globals[size_t(def.global)] = decorated(in, def.code, globals[size_t(def.global)], scope);
    if (coroutines) continue;
    for (auto& def : p.class_defs) {
      auto* t = globals[size_t(def.global)].as<TypeObj>();
      for (size_t i = 0; i < def.methods.size(); ++i)
        if (!def.methods[i].second->decorators.empty())
          t->class_attrs[i].second = decorated(in, def.methods[i].second, t->class_attrs[i].second, scope);
    }
  }
}

}  // namespace

void instantiate_globals(Interp& in, const Program& p, std::vector<Value>& globals) {
  globals.assign(p.globals.size(), Value());
  for (size_t i = 0; i < p.globals.size(); ++i) if (p.globals[i].variable) globals[i] = Value::unbound();
  Frame module_frame(p.module);
  // A base class named by a global: the last global of that name that is
  // already a type (a hidden prelude one included). Indexed by name, so
  // thousands of definitions load in linear time.
  std::unordered_map<std::string_view, std::vector<size_t>> globals_named;
  for (size_t i = 0; i < p.globals.size(); ++i) globals_named[p.globals[i].name].push_back(i);
  auto type_global = [&](const std::string& name, TypeObj* fallback) {
    auto it = globals_named.find(name);
    if (it != globals_named.end())
      for (size_t i : it->second)
        if (globals[i].is(ObjKind::Type)) fallback = globals[i].as<TypeObj>();
    return fallback;
  };
  // Exceptions first (in order: a base may be defined before its subclass).
  for (auto& def : p.exception_defs) {
    TypeObj* base = nullptr;
    int bi = builtin_index(def.base);
    if (bi >= 0 && in.builtins().values[size_t(bi)].is(ObjKind::Type)) base = in.builtins().values[size_t(bi)].as<TypeObj>();
    base = type_global(def.base, base);
    if (!base) in.raise(in.builtins().NameError, "name '" + def.base + "' is not defined");
    auto* t = new TypeObj(p.globals[size_t(def.global)].name, "__main__", base, TypeKind::Exception);
    t->ctor = base->ctor;
    globals[size_t(def.global)] = Value(t);
    t->keep_base_alive();
  }
  for (auto& def : p.functions) globals[size_t(def.global)] = Value(new FunctionObj(def.code));
  for (auto& def : p.class_defs) {
    TypeObj* base = in.builtins().object;
    if (!def.base.empty()) {
      // A scenario class, or a builtin exception class (an exception class with behaviour).
      int bi = builtin_index(def.base);
      if (bi >= 0 && in.builtins().values[size_t(bi)].is(ObjKind::Type)) base = in.builtins().values[size_t(bi)].as<TypeObj>();
      base = type_global(def.base, base);
    }
    const bool internal = p.globals[size_t(def.global)].hidden;
    const std::string& name = p.globals[size_t(def.global)].name;
    const bool exception = base->is_subclass_of(in.builtins().BaseException);
    auto* t = new TypeObj(name, internal ? prelude_class_module(name) : "__main__", base,
                          exception ? TypeKind::Exception : TypeKind::UserClass);
    if (exception) t->ctor = construct_user_exception;
    if (base != in.builtins().object) t->keep_base_alive();
    for (auto& [name, code] : def.methods) t->class_attrs.emplace_back(name, Value(new FunctionObj(code)));
    globals[size_t(def.global)] = Value(t);
  }
  // Defaults are evaluated once, at definition time, as in Python.
  Frame prelude_frame(p.prelude_module ? p.prelude_module : p.module);
  for (auto& def : p.functions) {
    auto* fn = globals[size_t(def.global)].as<FunctionObj>();
    Frame& scope = def.code->internal ? prelude_frame : module_frame;
    for (const Expr* d : def.code->param_defaults)
      fn->defaults.push_back(d ? in.eval(*d, scope) : Value::unbound());
  }
  for (auto& def : p.class_defs) {
    auto* t = globals[size_t(def.global)].as<TypeObj>();
    Frame& scope = p.globals[size_t(def.global)].hidden ? prelude_frame : module_frame;
    // class_attrs starts with the methods, in definition order.
    for (size_t i = 0; i < def.methods.size(); ++i) {
      auto* fn = t->class_attrs[i].second.as<FunctionObj>();
      for (const Expr* d : def.methods[i].second->param_defaults)
        fn->defaults.push_back(d ? in.eval(*d, scope) : Value::unbound());
    }
    t->field_exprs = def.fields;
    t->field_scope = scope.code;
    for (auto& [name, expr] : def.attributes) t->class_attrs.emplace_back(name, in.eval(*expr, scope));
  }
  apply_decorators(in, p, globals, module_frame);
  // The prelude's public definitions are the rest of the `asyncio` module.
  ModuleObj* asyncio = in.builtins().values[size_t(builtin_index("asyncio"))].as<ModuleObj>();
  for (auto& [name, index] : p.asyncio_exports) asyncio->attrs.emplace_back(name, globals[size_t(index)]);
  extern void add_contextlib_classes(ModuleObj&, const Program&, const std::vector<Value>&);
  add_contextlib_classes(*in.builtins().values[size_t(builtin_index("contextlib"))].as<ModuleObj>(), p, globals);
}

void init_fields(Interp& in, InstanceObj* inst) {
  // Base classes' fields first, then the class's own (which may override).
  std::vector<const TypeObj*> chain;
  for (const TypeObj* t = inst->type; t && t->tkind == TypeKind::UserClass; t = t->base) chain.push_back(t);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if ((*it)->field_exprs.empty()) continue;
    Frame scope((*it)->field_scope);
    for (auto& [name, expr] : (*it)->field_exprs) {
      Value v = in.eval(*expr, scope);
      if (Value* existing = inst->find(name)) *existing = std::move(v);
      else inst->fields.emplace_back(name, std::move(v));
    }
  }
}

}  // namespace corun
