// The interpreter core: asyncio.run, task steps, and the instruction loop.
#include "engine/vm/interp.h"
#include "engine/asyncio/native.h"

#include <algorithm>
#include <cmath>

#include "engine/python/builtins.h"
#include "engine/python/pyformat.h"
#include "engine/python/recursion.h"
#include "engine/vm/definitions.h"
#include "engine/vm/trace_labels.h"

namespace corun {

namespace {
thread_local Interp* g_current = nullptr;

// Room on the C++ stack for the slots of a plain function's frame (most
// have a few), which lives only as long as the call.
struct SyncSlots {
  static constexpr size_t kSlots = 8;
  alignas(Value) unsigned char bytes[kSlots * sizeof(Value)];
  void* for_code(const CodeObject* c) { return size_t(c->nslots()) <= kSlots ? bytes : nullptr; }
};

// asyncio.sleep(delay)'s deadline, as CPython computes it: `if delay <= 0`
// is a bare yield (returns -1), else call_later(delay) -- loop.time() +
// delay -- whose float arithmetic decides the errors: a str is "'<=' not
// supported", an int beyond a float "int too large to convert to float".
// NaN passes `<= 0` and then every `when >= end` test fails: it fires at once.
int64_t sleep_deadline(Interp& in, const Value& delay) {
  EventLoop& loop = in.loop();
  if (delay.is_intlike()) {  // sleep(0), sleep(1): exact, no float rounding
    int64_t s = delay.as_int();
    return s <= 0 ? -1 : add_ns_saturated(loop.now(), int_seconds_to_ns(s));
  }
  if (delay.is_float()) {
    double d = delay.as_float();
    if (d <= 0) return -1;
    return add_ns_saturated(loop.now(), float_seconds_to_ns(d));  // float_seconds_to_ns(nan) is 0
  }
  if (in.compare(CmpOp::Le, delay, Value::integer(0))) return -1;
  Value when = in.binary_op(BinOp::Add, Value::flt(loop.time()), delay);
  if (!when.is_float()) in.raise(in.builtins().TypeError, "a number of seconds is required, not '" + in.type_of(delay)->name + "'");
  return std::max<int64_t>(0, float_seconds_to_ns(when.as_float()));  // a deadline in the past is due, not a bare yield
}

}  // namespace

// time.sleep(secs)'s argument, checked as CPython's _PyTime_FromSecondsObject
// checks it (the conversion first, the sign after): an int must fit int64
// nanoseconds, a float the platform's range, and NaN is refused.
int64_t time_sleep_ns(Interp& in, const Value& secs) {
  const Builtins& b = in.builtins();
  int64_t ns;
  if (secs.is_intlike()) {
    if (__builtin_mul_overflow(secs.as_int(), kNsPerSecond, &ns))
      in.raise(b.OverflowError, "timestamp too large to convert to C _PyTime_t");
  } else if (secs.is_bigint()) {
    in.raise(b.OverflowError, "timestamp too large to convert to C _PyTime_t");
  } else if (secs.is_float()) {
    double d = secs.as_float();
    if (std::isnan(d)) in.raise(b.ValueError, "Invalid value NaN (not a number)");
    double scaled = std::round(d * 1e9);
    if (!(scaled >= -9223372036854775808.0 && scaled < 9223372036854775808.0))
      in.raise(b.OverflowError, "timestamp out of range for platform time_t");
    ns = int64_t(scaled);
  } else {
    in.raise(b.TypeError, "'" + in.type_of(secs)->name + "' object cannot be interpreted as an integer");
  }
  if (ns < 0) in.raise(b.ValueError, "sleep length must be non-negative");
  return ns;
}

Interp* current_interp() { return g_current; }

Frame::Frame(const CodeObject* c) : Frame(c, nullptr) {}

Frame::Frame(const CodeObject* c, void* storage) : code(c) {
  size_t n = size_t(c->nslots());
  if (storage) {
    slots = static_cast<Value*>(storage);
    owns_slots = 0;
  } else {
    slots = n ? static_cast<Value*>(pool_alloc(n * sizeof(Value))) : nullptr;
  }
  for (size_t i = 0; i < n; ++i) new (&slots[i]) Value(Value::unbound());
}

Frame::~Frame() {
  size_t n = size_t(code->nslots());
  for (size_t i = 0; i < n; ++i) slots[i].~Value();
  if (owns_slots) pool_free(slots, n * sizeof(Value));
}

Ref<CoroObj> CoroObj::make(const CodeObject* code) {
  void* block = pool_alloc(sizeof(CoroObj) + size_t(code->nslots()) * sizeof(Value));
  // The class's operator new would allocate again: construct in place.
  CoroObj* c = ::new (block) CoroObj(code, static_cast<char*>(block) + sizeof(CoroObj));
  c->slots_inline = true;
  return Ref<CoroObj>(c);
}

size_t CoroObj::alloc_bytes() const {
  return sizeof(CoroObj) + (slots_inline ? size_t(frame.code->nslots()) * sizeof(Value) : 0);
}

CoroObj::~CoroObj() {
  if (state == State::Created && !awaited && frame.code->is_coroutine && !frame.code->is_async_gen) {
    if (Interp* in = current_interp()) in->report_never_awaited(this);
  }
}

Interp::Interp(const Program& program, RunOptions options) : program_(program), options_(std::move(options)) {
  g_current = this;
  if (!options_.out) options_.out = [](std::string_view s) { fwrite(s.data(), 1, s.size(), stdout); };
  if (!options_.err) options_.err = [](std::string_view s) { fwrite(s.data(), 1, s.size(), stderr); };
  builtins_ = std::make_unique<Builtins>(*this);
  loop_ = std::make_unique<EventLoop>(*this, options_.clock, options_.speed);
  loop_->max_callbacks = options_.max_callbacks;
  loop_->max_spin = options_.max_spin;
  loop_->debug_ = options_.debug;
  loop_->allow_network = options_.allow_network;
}

Interp::~Interp() {
  // Code run after this interpreter (a test, the fuzzer) is not held to its limits.
  budget_end_run();
  // Objects freed from here on report nothing: the run is over.
  if (!out_buffer_.empty()) { options_.out(out_buffer_); out_buffer_.clear(); }
  std::vector<Ref<FutureObj>> live;  // taken while freed tasks and gathers still leave their lists
  for (TaskObj* t : tasks_)
    if (t) live.emplace_back(t);
  for (GatherFutureObj* g : gathers_) live.emplace_back(g);
  g_current = nullptr;
  break_cycles(live);
  main_task_ = Value();
  loops_ = LoopState();
  prelude_cache_.clear();  // copies of globals: go with them
  asyncgens_.clear();
  globals_.clear();
  loop_.reset();
  builtins_.reset();
}

// corun counts references and has no cycle collector. A run that ends with
// tasks still pending (stopped by a guard, a RecursionError, a deadlock)
// leaves cycles: a task's coroutine holds frames that hold the task, a
// gather and its children hold each other (its `children`, their
// done-callbacks).
// CPython's collector frees them at exit; here they would outlive the run,
// and a process that holds many runs (the fuzzer, the unit-test binary)
// would carry them into the next run's memory budget. The cycles a run
// leaves pass through a task or a gather (a plain future awaited by a
// coroutine is held by that coroutine's task), so emptying each one's
// coroutine, waiter, children, callbacks and outcome breaks them. `live`
// holds every one until all are emptied, so none is freed mid-way.
void Interp::break_cycles(std::vector<Ref<FutureObj>>& live) {
  for (Ref<FutureObj>& f : live) {
    std::vector<DoneCallback> callbacks;
    f->callbacks.drain([&](DoneCallback& cb) { callbacks.push_back(std::move(cb)); });
    Value result = std::move(f->result), exception = std::move(f->exception);
    std::vector<Value> children;
    Ref<CoroObj> coro;
    Ref<FutureObj> waiter;
    if (f->okind == ObjKind::Task) {
      auto* t = static_cast<TaskObj*>(f.get());
      t->top = nullptr;  // points into the coroutine's frames
      coro = std::move(t->coro);
      waiter = std::move(t->fut_waiter);
    } else {
      children = std::move(static_cast<GatherFutureObj*>(f.get())->children);
    }
  }
  live.clear();
}

void Interp::write_out(std::string_view s) {
  // A piece bigger than the buffer goes straight out, after what is buffered.
  if (s.size() > (1 << 16)) {
    flush_output();
    options_.out(s);
    return;
  }
  out_buffer_.append(s);
  if (out_buffer_.size() > (1 << 16) || options_.clock == ClockMode::Real) {
    options_.out(out_buffer_);
    out_buffer_.clear();
  }
}

void Interp::flush_output() {
  if (!out_buffer_.empty()) {
    options_.out(out_buffer_);
    out_buffer_.clear();
  }
}

void Interp::write_err(std::string_view s) {
  if (!out_buffer_.empty()) { options_.out(out_buffer_); out_buffer_.clear(); }
  options_.err(s);
}

void Interp::trace(TraceKind kind, const TaskObj* task, int line, std::string detail, uint64_t parent, int64_t duration_ns) {
  TraceEvent e{kind};
  e.time_ns = loop_->now();
  if (task) {
    e.task = task->serial;
    e.name = task->name();
  }
  e.parent = parent;
  e.line = line;
  e.duration_ns = duration_ns;
  e.ready = loop_->ready_count();
  e.detail = std::move(detail);
  if (kind == TraceKind::Woken || kind == TraceKind::CancelRequested || kind == TraceKind::CallbackRun ||
      kind == TraceKind::TaskCreated)
    e.callback = trace_callback();
  if (kind == TraceKind::CancelRequested) e.reason = trace_reason;
  options_.tracer->event(std::move(e));
}

std::string Interp::describe_call(const CoroObj* c) {
  const CodeObject* code = c->frame.code;
  std::string s = code->name + "(";
  for (size_t i = 0; i < code->params.size(); ++i) {
    if (code->params[i] == "self") continue;
    if (s.back() != '(') s += ", ";
    s += trace_repr(*this, c->frame.slots[i]);
  }
  return s + ")";
}

// Where a suspended chain of frames is, in the scenario's own terms: the
// innermost frame of scenario code (corun's prelude and native helpers,
// such as asyncio.sleep, have no lines a user wrote). 0 when there is none.
int Interp::scenario_line(const Frame* f) {
  for (; f; f = f->parent) {
    if (f->code->internal || f->code->code.empty()) continue;
    if (int line = f->code->code[size_t(f->pc)].line) return line;
  }
  return 0;
}

std::string Interp::describe_wait(const TaskObj* t) {
  const Frame* f = t->top;
  if (!f) return "";
  if (f->awaiting.is(ObjKind::Task)) return "task " + f->awaiting.as<TaskObj>()->name();
  // inside asyncio's library (Queue.get, wait_for, StreamReader.readline,
  // StreamWriter.drain, open_connection), in a port or in the prelude: the
  // call the scenario made, the library frame the scenario's own frame
  // awaits ("_wait_for" is asyncio.wait_for's body)
  for (const Frame* p = f; p && p->code->internal; p = p->parent)
    if (p->parent && !p->parent->code->internal) {
      const std::string& name = p->code->qualname;
      return p->code->native && name[0] == '_' ? name.substr(1) : name;
    }
  // a port with no scenario frame above it (a task made of the port's own coroutine)
  for (const Frame* p = f; p; p = p->parent)
    if (p->code->native) {
      const std::string& name = p->code->qualname;
      return name[0] == '_' ? name.substr(1) : name;
    }
  if (f->awaiting.is(ObjKind::Future)) {
    const FutureObj* fut = f->awaiting.as<FutureObj>();
    if (fut->is_gathering) return "gather of " + std::to_string(static_cast<const GatherFutureObj*>(fut)->children.size());
    return "future";
  }
  return "yield";
}

Value Interp::running_loop_object() {
  if (loops_.running.is_none()) raise(builtins_->RuntimeError, "no running event loop");
  return loops_.running;
}

const std::string& Interp::file_name() const { return program_.source->name(); }

// file:line of the instruction at `line` of frame f -- or, when f is corun's
// prelude, of the user's code awaiting it; a sync prelude call does not know
// its caller, so the placeholder is filled in as the abort unwinds.
std::string Interp::user_location(const Frame* f, int line) const {
  if (!f->code->internal) return location(f->code, line);
  if (int user = scenario_line(f)) return file_name() + ":" + std::to_string(user);
  return std::string(RunAborted::kUserLine);
}

// A line of the scenario -- or, for corun's prelude, no line: its line
// numbers are not the user's file's, and CPython would name a file of its
// asyncio package here.
std::string Interp::location(const CodeObject* code, int line) const {
  if (code && code->internal) return "<corun asyncio>";
  return file_name() + ":" + std::to_string(line);
}

// ---- exceptions -----------------------------------------------------------------------

Value Interp::make_exception_args(TypeObj* type, std::vector<Value> args) {
  return Value(new ExcObj(type, std::move(args)));
}

Value Interp::make_exception(TypeObj* type, std::string message) {
  return make_exception_args(type, {make_str(std::move(message))});
}

void Interp::raise(TypeObj* type, std::string message) { throw PyException{make_exception(type, std::move(message))}; }

void Interp::raise_value(Value exc) { throw PyException{std::move(exc)}; }

bool Interp::exc_matches(const Value& exc, const Value& cls) {
  // One class, or a tuple of classes (not of tuples), every one checked
  // before any is matched, as CPython's check_except_type_valid.
  auto valid = [&](const Value& c) {
    if (!c.is(ObjKind::Type) || !c.as<TypeObj>()->is_subclass_of(builtins_->BaseException))
      raise(builtins_->TypeError, "catching classes that do not inherit from BaseException is not allowed");
  };
  TypeObj* type = exc.as<ExcObj>()->type;
  if (cls.is(ObjKind::Tuple)) {
    const auto& items = cls.as<TupleObj>()->items;
    for (auto& c : items) valid(c);
    for (auto& c : items) if (type->is_subclass_of(c.as<TypeObj>())) return true;
    return false;
  }
  valid(cls);
  return type->is_subclass_of(cls.as<TypeObj>());
}

void Interp::add_traceback(Value& exc, const Frame& f) {
  ExcObj* e = exc.as<ExcObj>();
  int line = f.pc < int(f.code->code.size()) ? f.code->code[size_t(f.pc)].line : f.code->def_line;
  e->traceback.push_back(TracebackEntry{f.code, line});
}

// ---- coroutines and calls ------------------------------------------------------------------

// Positional arguments only, and no *args parameter (nearly every call):
// nothing to match by name, the arguments go to the first slots and the
// defaults fill the rest. Anything else, and every error, takes the general
// binding below, which may redo what this one did.
void Interp::bind_args(const CodeObject* code, const std::vector<Value>& defaults, CallArgs& a, Frame& frame,
                       const Value& self, const std::string& fname) {
  size_t nparams = code->params.size();
  size_t offset = self.is_none() ? 0 : 1;
  if (a.nkw == 0 && !code->gathers_arguments() && offset + a.npos <= nparams) {
    if (offset) frame.slots[0] = self;
    for (size_t i = 0; i < a.npos; ++i) frame.slots[offset + i] = a.pos[i];
    size_t p = offset + a.npos;
    for (; p < nparams && p < defaults.size() && !defaults[p].is_unbound(); ++p) frame.slots[p] = defaults[p];
    if (p == nparams) return;
  }
  bind_args_general(code, defaults, a, frame, self, fname);
}

void Interp::bind_args_general(const CodeObject* code, const std::vector<Value>& defaults, CallArgs& a, Frame& frame,
                               const Value& self, const std::string& fname) {
  size_t nparams = code->params.size();
  size_t offset = 0;
  std::vector<Value> extra;
  if (!self.is_none()) {
    if (nparams == 0) raise(builtins_->TypeError, fname + "() takes 0 positional arguments but 1 was given");
    frame.slots[0] = self;
    offset = 1;
  }
  size_t npos = a.npos;
  if (code->varargs_slot >= 0 && npos + offset > nparams) {
    extra.assign(a.pos + (nparams - offset), a.pos + npos);
    npos = nparams - offset;
  }
  if (code->varargs_slot >= 0) frame.slots[size_t(code->varargs_slot)] = make_tuple(std::move(extra));
  if (npos + offset > nparams) {
    // too_many_positional in ceval.c; Python counts `self` in both numbers.
    size_t ndefaults = 0;
    for (size_t p = 0; p < nparams && p < defaults.size(); ++p) ndefaults += !defaults[p].is_unbound();
    std::string sig = ndefaults ? "from " + std::to_string(nparams - ndefaults) + " to " + std::to_string(nparams)
                                : std::to_string(nparams);
    raise(builtins_->TypeError, fname + "() takes " + sig + " positional argument" +
                                    (ndefaults || nparams != 1 ? "s" : "") + " but " + std::to_string(a.npos + offset) +
                                    (a.npos + offset == 1 ? " was" : " were") + " given");
  }
  for (size_t i = 0; i < npos; ++i) frame.slots[offset + i] = a.pos[i];
  // **kwargs: a new dict of the keywords no parameter takes, in call order.
  DictObj* varkw = nullptr;
  if (code->varkw_slot >= 0) {
    Ref<DictObj> d(new DictObj());
    varkw = d.get();
    frame.slots[size_t(code->varkw_slot)] = Value(d);
  }
  for (size_t k = 0; k < a.nkw; ++k) {
    size_t idx = nparams;
    for (size_t p = offset; p < nparams; ++p) if (code->params[p] == a.kwnames[k]) idx = p;
    if (idx == nparams && varkw) {
      varkw->set(make_str(a.kwnames[k]), a.kw[k]);
      continue;
    }
    if (idx == nparams) raise(builtins_->TypeError, fname + "() got an unexpected keyword argument '" + a.kwnames[k] + "'");
    if (!frame.slots[idx].is_unbound()) raise(builtins_->TypeError, fname + "() got multiple values for argument '" + a.kwnames[k] + "'");
    frame.slots[idx] = a.kw[k];
  }
  std::vector<std::string> missing;
  for (size_t p = offset; p < nparams; ++p) {
    if (!frame.slots[p].is_unbound()) continue;
    if (p < defaults.size() && !defaults[p].is_unbound()) frame.slots[p] = defaults[p];
    else missing.push_back(code->params[p]);
  }
  if (!missing.empty()) raise(builtins_->TypeError, missing_positional_message(fname, missing));
}

Value Interp::make_coroutine(const FunctionObj* fn, CallArgs& args, const Expr* site, Value self) {
  Ref<CoroObj> c = CoroObj::make(fn->code);
  if (fn->attrs) c->names = fn->attrs->names;
  try {
    bind_args(fn->code, fn->defaults, args, c->frame, self, fn->code->qualname);
    if (fn->code->has_cells()) install_closure(*fn, c->frame);
  } catch (...) {
    // In CPython the call fails before a coroutine exists: nothing to warn
    // about as "never awaited".
    c->state = CoroObj::State::Done;
    throw;
  }
  if (site) c->created_line = site->pos.line;
  return Value(c);
}

Value Interp::call_function(const FunctionObj* fn, CallArgs& args, const Expr* site, Value self) {
  if (sync_depth_ >= kMaxSyncDepth) raise(builtins_->RecursionError, "maximum recursion depth exceeded");
  SyncSlots storage;
  Frame frame(fn->code, storage.for_code(fn->code));
  bind_args(fn->code, fn->defaults, args, frame, self, fn->code->qualname);
  if (fn->code->native) return fn->code->native->call(*this, frame.slots);  // a library function in C++: no instructions to run
  if (fn->code->has_cells()) install_closure(*fn, frame);
  Value carry;
  if (run_sync(frame, carry) == Exit::Raise) throw PyException{std::move(carry)};
  return carry;
}

// f(a, b) for a scenario function f that takes those arguments without a
// *args parameter or keywords (positional_fits), and obj.m(a, b) for a
// method found through the call site's cache (self: obj, or a function's
// bound self; else None): each argument is evaluated straight into its
// slot of the new frame, as CPython's vectorcall passes the values on its
// stack -- no argument array, nothing matched by name. The frame is a
// coroutine's (or a generator's), in the coroutine's own allocation, or a
// plain function's, on the C++ stack, run at once; a plain library port
// in C++ needs no frame at all (native_calls.cpp).
// A plain Python function's frame, on the C++ stack, bound and run to its
// end: call_positional's and call_plain_catching's common part (inline in
// both: every plain call takes it).
[[gnu::always_inline]] inline Interp::Exit Interp::run_plain_call(const FunctionObj* fn, const Value& self, const Expr& call,
                                                                  Frame& caller, Value& carry) {
  const CodeObject* code = fn->code;
  SyncSlots storage;
  Frame frame(code, storage.for_code(code));
  bind_positional(frame.slots, fn, self, call, caller);
  if (sync_depth_ >= kMaxSyncDepth) raise(builtins_->RecursionError, "maximum recursion depth exceeded");
  if (code->has_cells()) install_closure(*fn, frame);
  return run_sync(frame, carry);
}

Value Interp::call_positional(const FunctionObj* fn, const Value& self, const Expr& call, Frame& caller) {
  const CodeObject* code = fn->code;
  if (code->makes_frame_object()) {
    Ref<CoroObj> c = CoroObj::make(code);
    if (fn->attrs) c->names = fn->attrs->names;
    try {
      bind_positional(c->frame.slots, fn, self, call, caller);
      if (code->has_cells()) install_closure(*fn, c->frame);
    } catch (...) {
      c->state = CoroObj::State::Done;  // as in make_coroutine: no "never awaited" for a call that failed
      throw;
    }
    c->created_line = call.pos.line;
    return Value::adopt(c.release());
  }
  if (code->native) return call_native_positional(fn, self, call, caller);  // a library method in C++: no frame
  Value carry;
  if (run_plain_call(fn, self, call, caller, carry) == Exit::Raise) throw PyException{std::move(carry)};
  return carry;
}

Value Interp::call_plain_catching(const FunctionObj* fn, const Value& self, const Expr& call, Frame& caller, Value& raised) {
  Value carry;
  if (run_plain_call(fn, self, call, caller, carry) == Exit::Raise) {
    raised = std::move(carry);
    return Value();
  }
  return carry;
}

// A plain function's frame, run to its end on the C++ stack.
Interp::Exit Interp::run_sync(Frame& frame, Value& carry) {
  ++sync_depth_;
  Frame* f = &frame;
  Exit e;
  try {
    e = execute(f, carry, &frame, true);
  } catch (...) {
    --sync_depth_;
    throw;
  }
  --sync_depth_;
  return e;
}

// gen.send(v) / gen.throw(exc) for a plain generator (gen_send_ex in
// genobject.c): runs its frame, as a sync call, until the next yield (the
// value yielded) or its end (`finished`, and the value it returned). The
// caller has checked the generator is neither running nor done.
Value Interp::gen_resume(CoroObj* g, Value sent, Value exc, bool& finished) {
  if (sync_depth_ >= kMaxSyncDepth) raise(builtins_->RecursionError, "maximum recursion depth exceeded");
  Frame* f = &g->frame;
  g->state = CoroObj::State::Running;
  ++sync_depth_;
  Value carry;
  Exit e = Exit::Raise;
  try {
    if (exc.is_none()) {
      if (f->suspended) complete(*f, std::move(sent));
      e = execute(f, carry, &g->frame, true);
    } else {
      // Raised at the yield the generator is suspended at (or before its
      // first line), as though that line had raised it.
      f->suspended = false;
      ExcObj* eo = exc.as<ExcObj>();
      if (f->has_handled() && eo->context.is_none() && !f->exc().handled.back().same(exc)) eo->context = f->exc().handled.back();
      add_traceback(exc, *f);
      if (unwind(f, exc, &g->frame)) e = execute(f, carry, &g->frame, true);
      else carry = std::move(exc);
    }
  } catch (...) {
    --sync_depth_;
    g->state = CoroObj::State::Done;
    throw;
  }
  --sync_depth_;
  finished = e != Exit::Yield;
  g->state = finished ? CoroObj::State::Done : CoroObj::State::Suspended;
  if (e == Exit::Raise) {
    // PEP 479: a StopIteration escaping the body would end a `for` silently.
    if (carry.as<ExcObj>()->type->is_subclass_of(builtins_->StopIteration)) {
      Value err = make_exception(builtins_->RuntimeError, "generator raised StopIteration");
      err.as<ExcObj>()->cause = carry;
      err.as<ExcObj>()->context = carry;
      err.as<ExcObj>()->suppress_context = true;
      carry = std::move(err);
    }
    throw PyException{std::move(carry)};
  }
  return carry;
}

// Awaiting agen.__anext__() / asend(v) / athrow(exc) / aclose()
// (async_gen_asend_send, async_gen_athrow_send in genobject.c): runs the
// generator's frame inline, on the awaiting task, up to its next yield. An
// await that ends at once (a finished generator's aclose()) completes `f`
// and leaves it current; else `f` becomes the generator's frame.
void Interp::enter_async_gen(Frame*& f, const Value& aw) {
  AnextObj* a = aw.as<AnextObj>();
  CoroObj* g = a->gen.as<CoroObj>();
  const bool send = a->mode == AnextObj::Mode::Send;
  if (a->used)
    raise(builtins_->RuntimeError, send ? "cannot reuse already awaited __anext__()/asend()" : "cannot reuse already awaited aclose()/athrow()");
  a->used = true;
  if (g->state == CoroObj::State::Running)
    raise(builtins_->RuntimeError, std::string(send ? "anext" : a->mode == AnextObj::Mode::Close ? "aclose" : "athrow") +
                                       "(): asynchronous generator is already running");
  if (send) {
    if (g->state == CoroObj::State::Done || g->closed) {
      if (a->has_default) { complete(*f, a->dflt); return; }
      raise_value(make_exception_args(builtins_->StopAsyncIteration, {}));
    }
    if (g->state == CoroObj::State::Created && !a->arg.is_none())
      raise(builtins_->TypeError, "can't send non-None value to a just-started async generator");
  } else {
    bool was_closed = g->closed;
    if (a->mode == AnextObj::Mode::Close) g->closed = true;
    if (g->state == CoroObj::State::Done || was_closed) { complete(*f, Value()); return; }
    if (g->state == CoroObj::State::Created) {
      // Thrown in before its first line: the body never runs.
      g->state = CoroObj::State::Done;
      if (a->mode == AnextObj::Mode::Close) { complete(*f, Value()); return; }
      raise_value(a->arg);
    }
  }
  g->awaited = true;
  g->state = CoroObj::State::Running;
  g->frame.parent = f;
  g->frame.depth = f->depth + 1;
  f->suspended = true;
  f->awaiting = Ref<Object>(aw.obj());
  f = &g->frame;
  if (send) {
    if (f->suspended) complete(*f, a->arg);
    return;
  }
  f->suspended = false;
  // aclose() throws GeneratorExit (or what cancelled its task before it began: throw_into_unstarted_aclose).
  throw PyException{a->mode == AnextObj::Mode::Close && a->arg.is_none() ? make_exception_args(builtins_->GeneratorExit, {}) : a->arg};
}

// An exception leaves an async generator's frame for the one awaiting
// `aw` (its asend/athrow/aclose): StopIteration and StopAsyncIteration from
// the body become RuntimeError (PEP 479); aclose() ends quietly on the
// GeneratorExit it threw in. Returns true when the await completes with None.
bool Interp::async_gen_exception_leaves(Value& exc, const Ref<Object>& aw) {
  TypeObj* type = exc.as<ExcObj>()->type;
  const char* raised = type->is_subclass_of(builtins_->StopAsyncIteration) ? "async generator raised StopAsyncIteration"
                       : type->is_subclass_of(builtins_->StopIteration)     ? "async generator raised StopIteration"
                                                                            : nullptr;
  if (raised) {
    Value err = make_exception(builtins_->RuntimeError, raised);
    err.as<ExcObj>()->cause = exc;
    err.as<ExcObj>()->context = exc;
    err.as<ExcObj>()->suppress_context = true;
    err.as<ExcObj>()->traceback = exc.as<ExcObj>()->traceback;
    exc = std::move(err);
    return false;
  }
  return aw.is(ObjKind::Anext) && aw.as<AnextObj>()->mode == AnextObj::Mode::Close && type->is_subclass_of(builtins_->GeneratorExit);
}

// coro.send(v) / coro.throw(exc), a coroutine driven by hand (gen_send_ex
// for a coroutine): runs it, on the current task's turn, to its next
// suspension, and returns what it yields there -- the future it awaits, or
// None for a bare yield (sleep(0)). Its end raises StopIteration(result).
Value Interp::coro_send(const Value& coro, Value sent, Value exc) {
  CoroObj* c = coro.as<CoroObj>();
  if (c->state == CoroObj::State::Running) raise(builtins_->ValueError, "coroutine already executing");
  if (c->state == CoroObj::State::Done) {
    if (!exc.is_none()) raise_value(std::move(exc));
    raise(builtins_->RuntimeError, "cannot reuse already awaited coroutine");
  }
  if (c->awaited && !c->hand_driven) raise(builtins_->RuntimeError, "coroutine is being awaited already: corun does not support send() to it");
  if (c->state == CoroObj::State::Created && !sent.is_none() && exc.is_none())
    raise(builtins_->TypeError, "can't send non-None value to a just-started coroutine");
  c->awaited = true;  // a coroutine driven by hand was not forgotten: no "never awaited"
  c->hand_driven = true;
  Frame* bottom = &c->frame;
  Frame* f = bottom;
  while (f->suspended && f->awaiting && (f->awaiting.is(ObjKind::Coroutine) || f->awaiting.is(ObjKind::Anext)))
    f = &awaited_coroutine(*f)->frame;
  c->state = CoroObj::State::Running;
  ++hand_driving_;
  Value carry;
  Exit e = Exit::Raise;
  try {
    bool raising = !exc.is_none();
    if (raising) chain_thrown(exc, f);
    if (f->suspended && f->code->native) {
      FutureObj* fut = f->awaiting.is(ObjKind::Future) || f->awaiting.is(ObjKind::Task) ? f->awaiting.as<FutureObj>() : nullptr;
      if (!raising && fut && !fut->done()) raise(builtins_->RuntimeError, "await wasn't used with future");
      hand_to_native(*f, raising, exc);
    } else if (f->suspended) {
      Ref<Object> awaited = std::move(f->awaiting);
      f->suspended = false;
      if (!raising) {
        // Future.__await__ resumed: the future must be done by now.
        FutureObj* fut = awaited.is_none() ? nullptr : awaited.as<FutureObj>();
        if (fut && !fut->done()) raise(builtins_->RuntimeError, "await wasn't used with future");
        raising = resume_await(*f, fut, exc);
      }
    }
    if (raising) {
      add_traceback(exc, *f);
      if (unwind(f, exc, bottom)) e = execute(f, carry, bottom, false);
      else carry = std::move(exc);
    } else {
      e = execute(f, carry, bottom, false);
    }
  } catch (...) {
    --hand_driving_;
    c->state = CoroObj::State::Done;
    throw;
  }
  --hand_driving_;
  switch (e) {
    case Exit::Return:
      c->state = CoroObj::State::Done;
      if (carry.is_none()) raise_value(make_exception_args(builtins_->StopIteration, {}));
      raise_value(make_exception_args(builtins_->StopIteration, {std::move(carry)}));
    case Exit::Raise:
      c->state = CoroObj::State::Done;
      if (carry.as<ExcObj>()->type->is_subclass_of(builtins_->StopIteration)) {
        Value err = make_exception(builtins_->RuntimeError, "coroutine raised StopIteration");
        err.as<ExcObj>()->cause = carry;
        err.as<ExcObj>()->context = carry;
        err.as<ExcObj>()->suppress_context = true;
        carry = std::move(err);
      }
      raise_value(std::move(carry));
    default:
      c->state = CoroObj::State::Suspended;
      return carry;  // the future awaited, or None
  }
}

// coro.close(): a coroutine never started just ends (and so is not "never
// awaited"); one suspended by hand gets GeneratorExit, which must end it.
void Interp::coro_close(const Value& coro) {
  CoroObj* c = coro.as<CoroObj>();
  if (c->state == CoroObj::State::Running) raise(builtins_->ValueError, "coroutine already executing");
  if (c->state == CoroObj::State::Created) {
    c->state = CoroObj::State::Done;
    return;
  }
  if (c->state == CoroObj::State::Done) return;
  if (!c->hand_driven) raise(builtins_->RuntimeError, "corun does not support close() on a coroutine a task or an await is running");
  try {
    coro_send(coro, Value(), make_exception_args(builtins_->GeneratorExit, {}));
  } catch (PyException& e) {
    if (e.exc.as<ExcObj>()->type->is_subclass_of(builtins_->GeneratorExit) ||
        e.exc.as<ExcObj>()->type->is_subclass_of(builtins_->StopIteration))
      return;
    throw;
  }
  raise(builtins_->RuntimeError, "coroutine ignored GeneratorExit");
}

// The finalizer hook's task runs `agen.aclose()` itself, not a coroutine:
// cancelled before it starts (asyncio.run cancelling what is left), the
// CancelledError is thrown straight into the generator (athrow's throw()),
// whose finally blocks run. The prelude's _wrap_awaitable, which stands for
// that awaitable here, then starts awaiting it with that exception.
bool Interp::throw_into_unstarted_aclose(CoroObj* coro, Value& exc) {
  const CodeObject* code = coro->frame.code;
  if (!code->internal || code->name != "_wrap_awaitable" || !coro->frame.slots[0].is(ObjKind::Anext)) return false;
  AnextObj* a = coro->frame.slots[0].as<AnextObj>();
  if (a->used || a->mode != AnextObj::Mode::Close) return false;
  a->arg = std::move(exc);
  exc = Value();
  coro->aclose_restart = true;
  return true;
}

// CPython names a coroutine by its __qualname__ ('Worker.run'); the prelude's
// one nested helper is a top-level coroutine in corun.
static std::string python_qualname(const CoroObj& c) {
  const CodeObject* code = c.frame.code;
  if (code->internal && code->qualname == "_wait_for_one") return "as_completed.<locals>._wait_for_one";
  if (c.names) return coro_qualname(c);
  return code->qualname.empty() ? code->name : code->qualname;
}

void Interp::report_never_awaited(CoroObj* c) {
  std::string where = c->created_line ? file_name() + ":" + std::to_string(c->created_line) : file_name();
  std::string text = where + ": RuntimeWarning: coroutine '" + python_qualname(*c) + "' was never awaited\n";
  // The warnings module's "default" action: a warning is shown once per
  // text and location (a loop that drops a coroutine 300,000 times warns once).
  if (!warned_.insert(text).second) return;
  write_err(text);
}

// ---- the instruction loop -----------------------------------------------------------------------

namespace {

// sleep()'s `finally: h.cancel()`: the task resumes, its timer (still
// queued, or come due and waiting to run) is dead from now on.
void cancel_sleep_timer(Interp& in, TaskObj* t) {
  if (t->timer_live) {
    t->timer_live = false;
    in.loop().timer_cancelled();
  } else if (t->fire_queued) {
    t->fire_cancelled = true;
  }
}

}  // namespace

// Moves an exception outward: to the innermost try block of the frame, or
// out of the frame into the one awaiting it. Returns false when it leaves
// `bottom` (the task's coroutine or the sync call) unhandled.
bool Interp::unwind(Frame*& f, Value& exc, Frame* bottom) {
  while (true) {
    if (f->has_blocks()) {
      Frame::ExcState& st = f->exc();
      Frame::Block b = st.blocks.back();
      st.blocks.pop_back();
      st.handled.resize(size_t(b.exc_depth));
      st.handled.push_back(exc);
      f->pc = b.handler;
      return true;
    }
    if (f == bottom) return false;
    Frame* parent = f->parent;
    CoroObj* child = awaited_coroutine(*parent);
    child->state = CoroObj::State::Done;
    const bool async_gen = f->code->is_async_gen;
    f->parent = nullptr;
    f = parent;
    f->suspended = false;
    Ref<Object> awaited = std::move(f->awaiting);  // freed with the finished child coroutine
    if (f->code->native) {
      // A library coroutine in C++ awaited it: its step takes the exception
      // (and adds its own traceback entry if it lets it go on).
      f->awaiting = Value(exc).take_ref();
      return true;
    }
    if (async_gen && async_gen_exception_leaves(exc, awaited)) {
      complete(*f, Value());  // aclose() is done
      return true;
    }
    add_traceback(exc, *f);
    if (f->has_handled() && exc.as<ExcObj>()->context.is_none() && !f->exc().handled.back().same(exc))
      exc.as<ExcObj>()->context = f->exc().handled.back();
  }
}

// The coroutine (or async generator) whose frame `parent` awaits inline.
CoroObj* Interp::awaited_coroutine(const Frame& parent) {
  if (parent.awaiting.is(ObjKind::Anext)) return parent.awaiting.as<AnextObj>()->gen.as<CoroObj>();
  return parent.awaiting.as<CoroObj>();
}

// A coroutine that returns lets go of its locals then, as CPython clears
// the frame (its task keeps only the coroutine): an async generator left in
// a local is finalized at that moment, before the task's done-callbacks.
// (One that raised keeps them: in CPython the exception's traceback, which
// the task keeps, holds the frame.)
void Interp::release_locals(Frame& f) {
  for (int i = 0, n = f.code->nslots(); i < n; ++i)
    if (f.slots[i].is_obj()) f.slots[i] = Value::unbound();
  f.exc_state.reset();
}

// An exception thrown into a suspended chain (a task's cancellation,
// coro.throw()) takes as __context__ the exception being handled where it
// lands -- the innermost frame handling one, as _PyErr_ChainStackItem reads
// the generators' chain of exc_info in gen_send_ex2.
void Interp::chain_thrown(Value& exc, const Frame* f) {
  if (!exc.is(ObjKind::Exception)) return;
  for (; f; f = f->parent) {
    if (!f->has_handled()) continue;
    const Value& handled = f->exc_state->handled.back();
    ExcObj* eo = exc.as<ExcObj>();
    if (eo->context.is_none() && !handled.same(exc)) eo->context = handled;
    return;
  }
}

// ---- library coroutines in C++ (engine/asyncio/native.h) ------------------------------
// A suspended native frame takes its resumption itself, at Op::Native: the
// future it awaited stays in `awaiting` (its result or exception is read
// there), or an exception thrown in replaces it.
void Interp::hand_to_native(Frame& f, bool& raising, Value& exc) {
  if (raising) f.awaiting = exc.take_ref();
  f.suspended = false;
  raising = false;
}

// Op::Native: a plain function's body runs and its result goes to the
// result slot; a coroutine's step runs to its next await of a pending
// future (true: the frame suspends on it, which `carry` names) or its end
// (its result in the slot). Awaiting a future already done does not
// suspend (Future.__await__): the step goes on at once with its outcome.
//
// A step may also await a coroutine (a user's override of a method the
// port calls, such as a subclass's acquire()): it runs inline as `await`
// runs it, its frame above this one; its return value comes back in the
// result slot (complete()), its exception in `awaiting` (unwind()).
Interp::NativeExit Interp::run_native(Frame*& fp, Value& carry, bool sync) {
  Frame& f = *fp;
  const Instr& ins = f.code->code[size_t(f.pc)];
  const NativeDef* nd = f.code->native;
  if (nd->call) {
    f.slots[ins.a] = nd->call(*this, f.slots);
    ++f.pc;
    return NativeExit::Next;
  }
  Resume how = Resume::Start;
  Value v;
  if (!f.slots[ins.a].is_unbound()) {  // an awaited coroutine returned
    how = Resume::Send;
    v = std::move(f.slots[ins.a]);
    f.slots[ins.a] = Value::unbound();
  } else if (f.awaiting) {
    Ref<Object> aw = std::move(f.awaiting);
    if (aw.is(ObjKind::Exception)) {
      how = Resume::Throw;
      v = Value(aw.get());
    } else {
      how = future_outcome(aw.as<FutureObj>(), v) ? Resume::Throw : Resume::Send;
    }
  }
  return native_steps(fp, ins, nd->step(*this, f.slots, how, std::move(v)), carry, sync);
}

// What a port's step returned (`r`), carried out on its frame `fp` at its
// Op::Native `ins`: its result to the result slot, its exception to carry
// (Raise), a coroutine run inline above it, a pending future suspended on
// (Suspend), a future already done handed back to the step at once --
// until one of those.
Interp::NativeExit Interp::native_steps(Frame*& fp, const Instr& ins, NativeStep r, Value& carry, bool sync) {
  Frame& f = *fp;
  const NativeDef* nd = f.code->native;
  Resume how = Resume::Send;
  Value v;
  for (;; r = nd->step(*this, f.slots, how, std::move(v))) {
    if (r.kind == NativeStep::Kind::Return) {
      f.slots[ins.a] = std::move(r.value);
      ++f.pc;
      return NativeExit::Next;
    }
    if (r.kind == NativeStep::Kind::Raise) {
      carry = std::move(r.value);
      return NativeExit::Raise;
    }
    if (r.value.is(ObjKind::Coroutine)) {
      CoroObj* c = r.value.as<CoroObj>();
      if (!c->frame.code->is_coroutine || c->frame.code->is_async_gen)
        raise(builtins_->TypeError, "object " + type_of(r.value)->name + " can't be used in 'await' expression");
      if (c->state != CoroObj::State::Created || c->awaited)
        raise(builtins_->RuntimeError, "cannot reuse already awaited coroutine");
      if (sync) raise(builtins_->RuntimeError, "cannot await inside a plain function");
      uint32_t depth = f.depth + 1;
      if (depth > uint32_t(options_.max_depth))
        throw RunAborted{3, "await chain deeper than " + std::to_string(options_.max_depth) + " frames at " +
                                user_location(&f, ins.line) + " (raise it with --max-depth)"};
      c->awaited = true;
      c->state = CoroObj::State::Running;
      c->frame.parent = &f;
      c->frame.depth = depth;
      f.suspended = true;
      f.awaiting = r.value.take_ref();
      fp = &c->frame;
      return NativeExit::Next;
    }
    FutureObj* fut = r.value.as<FutureObj>();
    if (!fut->done()) {
      f.suspended = true;
      f.awaiting = r.value.take_ref();
      carry = Value(f.awaiting.get());
      return NativeExit::Suspend;
    }
    how = future_outcome(fut, v) ? Resume::Throw : Resume::Send;
  }
}

bool Interp::resume_await(Frame& f, FutureObj* fut, Value& exc) {
  Value v;
  if (fut && future_outcome(fut, v)) {
    exc = std::move(v);
    return true;
  }
  try {
    complete(f, std::move(v));  // its target's assignment may raise
  } catch (PyException& ex) {
    exc = std::move(ex.exc);
    return true;
  }
  return false;
}

Interp::StepOutcome Interp::run_task(TaskObj* t, Value& exc, Value& out) {
  current_task_ = t;
  ++steps_;
  budget_new_step();
  CoroObj* coro = t->coro.get();
  Frame* bottom = &coro->frame;
  Frame* f = t->top;
  bool raising = !exc.is_none();
  if (raising && coro->state == CoroObj::State::Created) raising = !throw_into_unstarted_aclose(coro, exc);
  else if (coro->aclose_restart) {
    // ... and, that awaitable never having begun, its next send() begins
    // it: aclose() throws GeneratorExit in where the generator now waits.
    coro->aclose_restart = false;
    if (!raising) {
      exc = make_exception_args(builtins_->GeneratorExit, {});
      raising = true;
    }
  }
  coro->state = CoroObj::State::Running;
  Exit e;
  if (raising) chain_thrown(exc, f);
  if (f->suspended) {
    // Resume at the await: throw the exception there, or deliver the result.
    if (t->timer_live || t->fire_queued) cancel_sleep_timer(*this, t);
    if (f->code->native) {
      hand_to_native(*f, raising, exc);
    } else if (!raising) {
      Ref<Object> awaited = std::move(f->awaiting);
      raising = resume_await(*f, awaited.is_none() ? nullptr : awaited.as<FutureObj>(), exc);
    } else {
      f->awaiting.reset();
    }
    f->suspended = false;
  }
  if (raising) {
    add_traceback(exc, *f);
    if (!unwind(f, exc, bottom)) {
      coro->state = CoroObj::State::Done;
      bottom->exc_state.reset();
      t->top = bottom;
      current_task_ = nullptr;
      out = std::move(exc);
      return StepOutcome::Raised;
    }
  }
  e = execute(f, out, bottom, false);
  t->top = f;
  current_task_ = nullptr;
  switch (e) {
    case Exit::Return: coro->state = CoroObj::State::Done; release_locals(*bottom); return StepOutcome::Returned;
    case Exit::Raise:  // the traceback keeps the frame's locals; its try blocks are over
      coro->state = CoroObj::State::Done;
      bottom->exc_state.reset();
      return StepOutcome::Raised;
    case Exit::Suspend0: coro->state = CoroObj::State::Suspended; return StepOutcome::Yield0;
    case Exit::SuspendFuture: coro->state = CoroObj::State::Suspended; return StepOutcome::YieldFuture;
    case Exit::SuspendSleep: coro->state = CoroObj::State::Suspended; return StepOutcome::YieldSleep;
    case Exit::Yield: break;  // only a plain generator's frame yields to C++ (gen_resume)
  }
  return StepOutcome::Raised;
}

// Op::Return of a frame awaited inline: back to the awaiting frame, with
// no loop iteration; an async generator's end is StopAsyncIteration for
// the __anext__ (or asend/athrow) that ran it.
void Interp::return_to_parent(Frame*& f, Value v) {
  Frame* parent = f->parent;
  awaited_coroutine(*parent)->state = CoroObj::State::Done;
  bool generator = f->code->is_async_gen;
  f->parent = nullptr;
  f = parent;
  Ref<Object> awaited = std::move(f->awaiting);
  if (generator) {
    // An async generator that ends makes its __anext__ / asend /
    // athrow raise StopAsyncIteration (anext(g, default): the
    // default); its aclose() is simply done.
    const AnextObj* a = awaited.as<AnextObj>();
    if (a->mode != AnextObj::Mode::Close && !a->has_default) {
      f->suspended = false;
      raise_value(make_exception_args(builtins_->StopAsyncIteration, {}));
    }
    v = a->mode == AnextObj::Mode::Close ? Value() : a->dflt;
  }
  complete(*f, std::move(v));
}

// Op::Await / Op::Gather: `await e` (or `await gather(...)`). A coroutine
// runs inline: its frame becomes the current one, with no loop iteration
// (as CPython's `yield from` chain); an async generator's __anext__ and
// co. the same; a future already done gives its result at once; a pending
// one suspends the task's whole chain on it (true: `carry` names it). A
// library port awaited as `await obj.method(...)` runs at once, with a
// coroutine only if it must wait (native_calls.cpp).
bool Interp::await_step(Frame*& f, const Instr& ins, Value& carry, bool sync) {
  Value aw;
  if (ins.op == Op::Gather) {
    std::vector<Value> items;
    if (ins.a) items = take_vector(eval(*ins.e, *f));
    else for (auto& k : ins.e->kids) {
      if (k->kind == ExprKind::Starred) for (auto& x : to_vector(eval(*k->kids[0], *f))) items.push_back(x);
      else items.push_back(eval(*k, *f));
    }
    bool ret_exc = ins.e2 ? truthy(eval(*ins.e2, *f)) : false;
    aw = gather(std::move(items), ret_exc);
  } else if (ins.e->kind == ExprKind::Call && ins.e->kids[0]->kind == ExprKind::Attr && !sync) {
    // `await obj.method(...)`: a library port runs here, with no coroutine
    // unless it must wait (engine/vm/native_calls.cpp).
    switch (await_method_call(f, ins, carry, aw)) {
      case AwaitedCall::Continue: return false;
      case AwaitedCall::Suspend: return true;
      case AwaitedCall::Evaluated: break;  // aw: what the call returned, awaited below
    }
  } else {
    aw = eval(*ins.e, *f);
  }
  if (aw.is(ObjKind::Anext)) {
    // agen.__anext__() and co: run the generator inline up to its next yield.
    enter_async_gen(f, aw);
    return false;
  }
  if (aw.is(ObjKind::Coroutine)) {
    CoroObj* c = aw.as<CoroObj>();
    if (!c->frame.code->is_coroutine || c->frame.code->is_async_gen)
      raise(builtins_->TypeError, "object " + type_of(aw)->name + " can't be used in 'await' expression");
    if (c->state != CoroObj::State::Created || c->awaited)
      raise(builtins_->RuntimeError, "cannot reuse already awaited coroutine");
    if (sync) raise(builtins_->RuntimeError, "cannot await inside a plain function");
    c->awaited = true;
    c->state = CoroObj::State::Running;
    uint32_t depth = f->depth + 1;
    if (depth > uint32_t(options_.max_depth))
      throw RunAborted{3, "await chain deeper than " + std::to_string(options_.max_depth) + " frames at " +
                              user_location(f, ins.line) + " (raise it with --max-depth)"};
    c->frame.parent = f;
    c->frame.depth = depth;
    f->suspended = true;
    f->awaiting = Ref<Object>(aw.obj());
    f = &c->frame;
    return false;
  }
  if (aw.is(ObjKind::Future) || aw.is(ObjKind::Task)) {
    FutureObj* fut = aw.as<FutureObj>();
    if (fut->done()) {
      Value v = future_result(fut);
      if (ins.target) assign(*ins.target, std::move(v), *f);
      ++f->pc;
      return false;
    }
    f->suspended = true;
    f->awaiting = Ref<Object>(aw.obj());
    carry = aw;
    return true;
  }
  raise(builtins_->TypeError, "object " + type_of(aw)->name + " can't be used in 'await' expression");
}

// Op::Sleep: asyncio.sleep(delay) -- a bare yield for delay <= 0, else a
// timer kept on the task itself (TaskObj::sleep), with no future made.
Interp::Exit Interp::sleep_step(Frame& frame, const Instr& ins, bool sync) {
  Frame* f = &frame;
  int64_t when = ins.a ? -1 : sleep_deadline(*this, eval(*ins.e, *f));
  f->suspended = true;
  if (when < 0) {
    f->awaiting.reset();
    return Exit::Suspend0;  // bare yield: one loop iteration
  }
  if (sync || !current_task_) raise(builtins_->RuntimeError, "sleep outside a task");
  if (hand_driving_)  // corun keeps a sleep's timer on the task, which a coroutine driven by send() is not
    raise(builtins_->RuntimeError, "corun does not support asyncio.sleep(d > 0) in a coroutine driven by send()");
  // sleep(): a future resolved by call_later(delay, ...), kept on the task.
  TaskObj* t = current_task_;
  f->awaiting.reset();
  t->sleep = TaskObj::Sleep::Pending;
  ++t->timer_token;
  loop_->call_sleep_timer(t, when);
  if (tracer()) {
    char until[64];
    std::snprintf(until, sizeof until, "sleep until %.3f", double(when) / 1e9);
    trace(TraceKind::TaskSuspended, t, scenario_line(f), until);
  }
  return Exit::SuspendSleep;
}

Interp::Exit Interp::execute(Frame*& f, Value& carry, Frame* bottom, bool sync) {
  for (;;) {
    const Instr& ins = f->code->code[size_t(f->pc)];
    // A loop that never awaits holds the event loop forever; the callback
    // guard cannot see it, this one does. The same compare stops the run
    // once memory went over its limit (budget.h sets busy_limit to 0).
    if (++g_budget.busy > g_budget.busy_limit) budget_exhausted(*f, ins);
    try {
      switch (ins.op) {
        case Op::Print: {
          Value v = eval(*ins.e, *f);
          // A str is written where it lies (a 400 MB line is not copied
          // three times on its way out).
          if (v.is(ObjKind::Str)) write_out(str_of(v));
          else write_out(str(v));
          write_out("\n");
          ++f->pc;
          break;
        }
        case Op::Eval: {
          Value v;
          if (eval_catching(*ins.e, *f, v)) {  // raised by the call or the name read: as the catch below takes a thrown one
            if (!raise_at(f, std::move(v), bottom, carry)) return Exit::Raise;
            break;
          }
          if (ins.target) assign(*ins.target, std::move(v), *f);
          ++f->pc;
          break;
        }
        case Op::Assign: {
          Value v;
          if (eval_catching(*ins.e, *f, v)) {
            if (!raise_at(f, std::move(v), bottom, carry)) return Exit::Raise;
            break;
          }
          assign(*ins.target, std::move(v), *f);
          ++f->pc;
          break;
        }
        case Op::Sleep:
          return sleep_step(*f, ins, sync);
        case Op::Block: {
          int64_t ns = time_sleep_ns(*this, eval(*ins.e, *f));
          if (tracer()) trace(TraceKind::Block, current_task_, ins.line, "", 0, ns);
          loop_->block(ns);
          ++f->pc;
          break;
        }
        case Op::Await:
        case Op::Gather:
          if (await_step(f, ins, carry, sync)) return Exit::SuspendFuture;
          break;
        case Op::CreateTask: {
          Value coro = eval(*ins.e, *f);
          Value name = ins.e2 ? eval(*ins.e2, *f) : Value();
          Value t = Value(create_task(std::move(coro), std::move(name)));
          if (ins.target) assign(*ins.target, std::move(t), *f);
          ++f->pc;
          break;
        }
        case Op::Cancel: {
          Value target = eval(*ins.e, *f);
          Value msg = ins.e2 ? eval(*ins.e2, *f) : Value();
          if (!target.is(ObjKind::Task) && !target.is(ObjKind::Future))
            raise(builtins_->AttributeError, "'" + type_of(target)->name + "' object has no attribute 'cancel'");
          bool r = future_cancel_any(target.as<FutureObj>(), msg);
          if (ins.target) assign(*ins.target, Value::boolean(r), *f);
          ++f->pc;
          break;
        }
        case Op::Raise: {
          Value v = eval(*ins.e, *f);
          if (v.is(ObjKind::Type) && v.as<TypeObj>()->is_subclass_of(builtins_->BaseException)) {
            CallArgs none;
            v = call(v, none, ins.e);
          }
          if (!v.is(ObjKind::Exception)) raise(builtins_->TypeError, "exceptions must derive from BaseException");
          if (ins.e2) {
            Value cause = eval(*ins.e2, *f);
            if (cause.is(ObjKind::Type)) { CallArgs none; cause = call(cause, none, ins.e2); }
            if (!cause.is_none() && !cause.is(ObjKind::Exception))
              raise(builtins_->TypeError, "exception causes must derive from BaseException");
            v.as<ExcObj>()->cause = cause;
            v.as<ExcObj>()->suppress_context = true;
          }
          // What the catch below does with a thrown exception, without
          // throwing one: C++ unwinding is most of a raise's cost.
          if (!raise_at(f, std::move(v), bottom, carry)) return Exit::Raise;
          break;
        }
        case Op::Reraise: {
          if (!f->has_handled()) raise(builtins_->RuntimeError, "No active exception to reraise");
          Value exc = f->exc().handled.back();
          f->exc().handled.pop_back();
          // A re-raise keeps the traceback it has: no new entry for this frame.
          if (!unwind(f, exc, bottom)) { carry = std::move(exc); return Exit::Raise; }
          break;
        }
        case Op::Native:
          switch (run_native(f, carry, sync)) {
            case NativeExit::Next: break;
            case NativeExit::Suspend: return Exit::SuspendFuture;
            case NativeExit::Raise:  // as the catch below takes a thrown one
              if (!raise_at(f, std::move(carry), bottom, carry)) return Exit::Raise;
              break;
          }
          break;
        case Op::Return: {
          Value v;
          if (ins.e && eval_catching(*ins.e, *f, v)) {
            if (!raise_at(f, std::move(v), bottom, carry)) return Exit::Raise;
            break;
          }
          if (f == bottom) { carry = std::move(v); return Exit::Return; }
          return_to_parent(f, std::move(v));
          break;
        }
        case Op::Yield: {
          // Back to the frame awaiting __anext__, which receives the value;
          // the generator keeps its frame, suspended after the yield.
          // The frame stays at the yield: resuming it delivers the value
          // sent in (complete() assigns `as:` and moves past).
          Value v = ins.e ? eval(*ins.e, *f) : Value();
          f->suspended = true;
          if (f == bottom) {  // a plain generator: back to next() / send()
            carry = std::move(v);
            return Exit::Yield;
          }
          Frame* parent = f->parent;
          awaited_coroutine(*parent)->state = CoroObj::State::Suspended;
          f->parent = nullptr;
          f = parent;
          Ref<Object> awaited = std::move(f->awaiting);
          if (awaited.as<AnextObj>()->mode == AnextObj::Mode::Close) {
            f->suspended = false;
            raise(builtins_->RuntimeError, "async generator ignored GeneratorExit");
          }
          complete(*f, std::move(v));
          break;
        }
        case Op::Jump:
          f->pc = ins.a;
          // The back edge of a for loop: step the loop now rather than
          // through another dispatch.
          if (f->code->code[size_t(f->pc)].op == Op::ForNext) {
            const Instr& next = f->code->code[size_t(f->pc)];
            auto* it = f->slots[size_t(next.a)].as<IteratorObj>();
            if (it->ikind == IteratorObj::Kind::Range && (it->step > 0 ? it->cur < it->stop : it->cur > it->stop)) {
              assign(*next.target, Value::integer(it->cur), *f);
              it->cur += it->step;
              ++f->pc;
            }
          }
          break;
        case Op::JumpIfFalse:
          f->pc = eval_condition(*ins.e, *f) ? f->pc + 1 : ins.a;
          break;
        case Op::ForInit:
          f->slots[size_t(ins.a)] = get_iter(eval(*ins.e, *f));
          ++f->pc;
          break;
        case Op::ForNext: {
          auto* it = f->slots[size_t(ins.a)].as<IteratorObj>();
          if (it->ikind == IteratorObj::Kind::Range && (it->step > 0 ? it->cur < it->stop : it->cur > it->stop)) {
            assign(*ins.target, Value::integer(it->cur), *f);  // for i in range(n): the common loop, inline
            it->cur += it->step;
            ++f->pc;
            break;
          }
          Value item;
          if (iter_next(f->slots[size_t(ins.a)], item)) {
            assign(*ins.target, std::move(item), *f);
            ++f->pc;
          } else {
            f->slots[size_t(ins.a)] = Value::unbound();
            f->pc = ins.b;
          }
          break;
        }
        case Op::SetupTry:
          f->exc().blocks.push_back(Frame::Block{ins.a, int(f->exc().handled.size())});
          ++f->pc;
          break;
        case Op::PopBlock:
          f->exc().blocks.pop_back();
          ++f->pc;
          break;
        case Op::PopExc:
          f->exc().handled.pop_back();
          ++f->pc;
          break;
        case Op::Match: {
          const Value& exc = f->exc().handled.back();
          bool ok = !ins.e || exc_matches(exc, eval(*ins.e, *f));
          if (ok) {
            if (ins.target) assign(*ins.target, exc, *f);
            ++f->pc;
          } else {
            f->pc = ins.a;
          }
          break;
        }
        case Op::Delete:
          delete_target(*ins.target, *f);
          ++f->pc;
          break;
        case Op::Clear:
          if (ins.target && ins.target->scope == Scope::Global) globals_[size_t(ins.target->slot)] = Value::unbound();  // `del e` of a module global
          else if (ins.target && ins.target->scope >= Scope::Cell) f->slots[size_t(ins.target->slot)].as<CellObj>()->v = Value::unbound();
          else f->slots[size_t(ins.a)] = Value::unbound();
          ++f->pc;
          break;
        case Op::PushExc:
          f->exc().handled.push_back(eval(*ins.e, *f));
          ++f->pc;
          break;
      }
    } catch (const std::bad_alloc&) {
      // A request the memory budget refused (budget.h: reserve), or one
      // malloc refused: Python's MemoryError, which the scenario may catch.
      Value exc = memory_error();
      add_traceback(exc, *f);
      if (!unwind(f, exc, bottom)) { carry = std::move(exc); return Exit::Raise; }
    } catch (BusyExceeded&) {
      budget_exhausted(*f, ins);  // native work past the busy guard, at this instruction's line
    } catch (RunAborted& a) {
      // A guard fired in a sync call of corun's prelude, whose frames have
      // no link to their caller: this frame knows the user's line.
      if (a.wants_user_line() && !f->code->internal) a.place_user_line(location(f->code, f->code->code[size_t(f->pc)].line));
      throw;
    } catch (PyException& ex) {
      if (!raise_at(f, std::move(ex.exc), bottom, carry)) return Exit::Raise;
    }
  }
}

bool Interp::raise_at(Frame*& f, Value exc, Frame* bottom, Value& carry) {
  // Unwinding a Python exception through C++ costs far more than an
  // instruction (a loop of raise and except does little else); a `raise`
  // caught in its own frame costs less, but is counted alike, so that the
  // guards see the same work either way.
  // (Counted, not checked: the next instruction's guard reports it at its line.)
  g_budget.busy += kExceptionCost + uint64_t(sync_depth_);
  ExcObj* eo = exc.as<ExcObj>();
  if (f->has_handled() && eo->context.is_none() && !f->exc().handled.back().same(exc)) eo->context = f->exc().handled.back();
  add_traceback(exc, *f);
  if (unwind(f, exc, bottom)) return true;
  carry = std::move(exc);
  return false;
}

// ---- asyncio.run ------------------------------------------------------------------------

void Interp::on_interrupt() {
  loop_->clear_interrupt();
  ++interrupt_count_;
  if (interrupt_count_ == 1 && main_task_.is(ObjKind::Task) && !main_task_.as<TaskObj>()->done()) {
    task_cancel(main_task_.as<TaskObj>(), Value());
    return;
  }
  throw RunAborted{130, "KeyboardInterrupt"};
}

void Interp::instantiate_program() {
  instantiate_globals(*this, program_, globals_);
}

namespace {

// What the innermost frame of the user's own code waits on, in the user's
// terms: the prelude call it awaits ("Queue.get()"), a task, a future, a
// gather, a sleep.
std::string describe_user_wait(Interp& in, const TaskObj* t, const Frame* user) {
  if (user != t->top && user->awaiting.is(ObjKind::Coroutine)) {
    const std::string& name = user->awaiting.as<CoroObj>()->frame.code->qualname;
    // The one private prelude coroutine users await: what as_completed() yields.
    if (name == "_wait_for_one") return "a result of as_completed()";
    return name + "()";
  }
  const Frame* f = t->top;
  if (t->sleep == TaskObj::Sleep::Pending) return "asyncio.sleep() beyond the virtual clock's range";
  if (f->awaiting.is(ObjKind::Task)) {
    const TaskObj* other = f->awaiting.as<TaskObj>();
    return "task " + other->name() + " (" + other->coro->frame.code->name + ")";
  }
  if (f->awaiting.is(ObjKind::Future)) {
    const FutureObj* fut = f->awaiting.as<FutureObj>();
    if (!fut->is_gathering) return "a future";
    size_t n = static_cast<const GatherFutureObj*>(fut)->children.size();
    return "gather() of " + std::to_string(n) + " awaitable" + (n == 1 ? "" : "s");
  }
  return "nothing";
}

std::string deadlock_report(Interp& in) {
  std::string msg = in.loop().has_timer()
                        ? "stalled: no task can make progress before the end of time (nothing is ready, and every pending "
                          "timer is due beyond the virtual clock's range of ~292 years: CPython would wait that long)\n"
                        : "deadlock: no task can make progress (nothing is ready and no timer is pending)\n";
  for (TaskObj* t : in.all_tasks()) {
    const Frame* user = t->top;
    while (user && user->code->internal) user = user->parent;
    std::string who = "  " + t->name() + " (" + t->coro->frame.code->name + ")";
    if (!user) {  // a task of corun's own asyncio code: no line of the user's to show
      msg += who + " is waiting on " + describe_user_wait(in, t, t->top) + "\n";
      continue;
    }
    msg += who + " is stuck at " + in.location(user->code, Interp::scenario_line(user)) + " waiting on " +
           describe_user_wait(in, t, user) + "\n";
  }
  return msg;
}

// The polling guard fired: name the tasks that keep yielding (sleep(0)
// with nothing else awaited) and where, in the user's lines.
std::string spin_report(Interp& in) {
  int64_t due = 0;
  in.loop().next_timer_deadline(due);
  char times[96];
  std::snprintf(times, sizeof times, "at %.3f s while the next timer (due at %.3f s)", in.loop().time(), double(due) / 1e9);
  std::string msg = "runaway scenario: the virtual clock cannot advance: for " + std::to_string(in.options().max_spin) +
                    " loop iterations in a row something was ready to run, so time stood still " + times +
                    " waited; on CPython's real clock time passes by itself.\n";
  bool named = false;
  for (TaskObj* t : in.all_tasks()) {
    const Frame* f = t->top;
    bool yielded = f && f->suspended && f->awaiting.is_none() && t->sleep == TaskObj::Sleep::None;
    if (!yielded) continue;
    int line = Interp::scenario_line(f);
    msg += "  " + t->name() + " (" + t->coro->frame.code->name + ") keeps the loop busy, polling at " +
           (line ? in.file_name() + ":" + std::to_string(line) : std::string("corun's asyncio code")) + "\n";
    named = true;
  }
  if (!named) msg += "  no task is polling: a loop callback keeps scheduling itself (call_soon)\n";
  return msg + "(await what it waits for instead of polling it, or raise the limit with --max-spin)";
}

}  // namespace

// The busy guard or the memory guard tripped while `f` ran `ins`: stop the
// run (exit 3) and say which, at the user's line.
void Interp::defer_abort(RunAborted a) {
  if (!deferred_abort_) deferred_abort_ = std::make_unique<RunAborted>(std::move(a));
  g_budget.stop_pending = true;
  g_budget.busy_limit = 0;
}

void Interp::budget_exhausted(const Frame& f, const Instr& ins) {
  if (deferred_abort_) throw RunAborted(*deferred_abort_);  // a guard fired where nothing could be thrown (defer_abort)
  std::string who = current_task_ ? current_task_->name() : "the program";
  if (g_budget.mem_over)
    throw RunAborted{3, "runaway scenario: memory went past the limit of " + std::to_string(g_budget.mem_limit >> 20) +
                            " MiB (" + memory_report() + ") while " + who + " ran " + user_location(&f, ins.line) +
                            " (raise the limit with --max-memory)"};
  throw RunAborted{3, "runaway scenario: " + who + " ran " + std::to_string(options_.max_busy) +
                          " instructions without awaiting, last at " + user_location(&f, ins.line) +
                          " (a loop with no await? raise the limit with --max-busy)"};
}

// MemoryError is raised when memory is short: the instance is made before the
// run, as CPython keeps MemoryErrors aside, and raising it allocates nothing.
// It is made fresh again once the scenario lets go of it.
Value Interp::memory_error() {
  Value exc = spare_memory_error_;
  if (exc.obj()->refs > 1) return make_exception_args(builtins_->MemoryError, {});
  ExcObj* e = exc.as<ExcObj>();
  e->traceback.clear();
  e->context = Value();
  e->cause = Value();
  return exc;
}

// BaseEventLoop.run_forever on the one EventLoop machinery: `loop` is the
// running loop until it stops. CPython would wait forever where nothing can
// happen again; corun stops the run and says why (exit 3).
void Interp::run_loop_forever(const Value& loop_value) {
  LoopObj* loop = loop_value.as<LoopObj>();
  loop->running = true;
  loops_.running = loop_value;
  loops_.last = loop_value;
  bool saved_debug = loop_->debug_;
  loop_->debug_ = loop->debug;
  // sys.set_asyncgen_hooks(firstiter, finalizer): a generator started on
  // this loop is finalized on it until close(), as its finalizer holds it.
  asyncgen_hooks_ = true;
  if (loop->stopping) {  // stop() before run_forever(): one iteration
    loop->stopping = false;
    loop_->stop();
  }
  auto leave = [&] {
    loop->running = false;
    loops_.running = Value();
    loop_->debug_ = saved_debug;
  };
  bool ok;
  try {
    ok = loop_->run_forever();
  } catch (...) {
    leave();
    throw;
  }
  leave();
  if (ok) return;
  if (loop_->limit_hit())
    throw RunAborted{3, "runaway scenario: more than " + std::to_string(options_.max_callbacks) +
                            " loop callbacks (raise the limit with --max-steps)"};
  if (loop_->spin_hit()) throw RunAborted{3, spin_report(*this)};
  throw RunAborted{3, deadlock_report(*this)};
}

// The module body runs once: `script:`, or the short form's
// asyncio.run(MAIN) (with debug=True under `options: {debug: true}`).
int Interp::run() {
  budget_start_run(options_.max_busy, options_.max_memory);
  spare_memory_error_ = make_exception_args(builtins_->MemoryError, {});
  try {
    try {
      instantiate_program();
    } catch (PyException& e) {
      print_traceback(e.exc);
      return 1;
    }
    if (program_.script) {
      Frame frame(program_.script);
      Value carry;
      Exit e = run_sync(frame, carry);
      return finish_module(e == Exit::Raise ? std::move(carry) : Value());
    }
    Value main_coro;
    {
      Frame module_frame(program_.module);
      try {
        main_coro = eval(*program_.main_expr, module_frame);
      } catch (PyException& e) {
        add_traceback(e.exc, module_frame);
        print_traceback(e.exc);
        return 1;
      }
    }
    Value run = get_attr(builtins_->values[size_t(builtin_index("asyncio"))], "run");
    std::string debug_kw = "debug";
    Value debug = program_.debug ? Value::boolean(true) : Value();
    CallArgs args;
    args.pos = &main_coro;
    args.npos = 1;
    args.kwnames = &debug_kw;
    args.kw = &debug;
    args.nkw = 1;
    try {
      call(run, args, nullptr);
    } catch (PyException& e) {
      return finish_module(std::move(e.exc));
    }
    return finish_module(Value());
  } catch (PyException& e) {
    // An exception no scenario code could catch (raised by corun's own
    // machinery outside any task): report it like an uncaught one.
    print_traceback(e.exc);
    return 1;
  } catch (BusyExceeded&) {
    // Native work outside any instruction (a loop callback's builtin).
    return abort_run(RunAborted{3, "runaway scenario: more than " + std::to_string(options_.max_busy) +
                                       " instructions of work without awaiting (raise the limit with --max-busy)"});
  } catch (const std::bad_alloc&) {
    return abort_run(RunAborted{3, "runaway scenario: out of memory outside any task (" + memory_report() +
                                       "; the limit is --max-memory)"});
  } catch (RunAborted& a) {
    return abort_run(a);
  }
}

// What escaped the module: nothing (exit 0), the KeyboardInterrupt of a
// Ctrl-C (130), or an exception, whose traceback Python prints (1).
int Interp::finish_module(Value exc) {
  if (deferred_abort_) return abort_run(*deferred_abort_);
  if (exc.is_none()) return 0;
  if (interrupt_count_ > 0 && exc.as<ExcObj>()->type == builtins_->KeyboardInterrupt) {
    write_err("KeyboardInterrupt\n");
    return 130;
  }
  print_traceback(exc);
  return 1;
}

int Interp::abort_run(RunAborted a) {
  a.place_user_line("corun's asyncio code");
  std::string msg = a.message;
  if (!msg.empty() && msg.back() != '\n') msg += '\n';
  write_err(a.exit_code == 130 ? msg : "corun: " + msg);
  // Nothing else may report (never-awaited and unretrieved warnings) for an aborted run.
  g_current = nullptr;
  return a.exit_code;
}

// Future.__del__: the loop's exception handler hears of it.
void Interp::report_unretrieved(FutureObj* f) {
  std::string what = f->okind == ObjKind::Task ? "Task" : "Future";
  Ref<DictObj> ctx(new DictObj());
  ctx->set(make_str("message"), make_str(what + " exception was never retrieved"));
  ctx->set(make_str("exception"), f->exception);
  ctx->set(make_str("future"), Value(f));
  call_exception_handler(Value(), Value(ctx));
}

Value Interp::call0(const Value& callee, std::vector<Value> args) {
  CallArgs a;
  a.pos = args.data();
  a.npos = args.size();
  return call(callee, a, nullptr);
}

}  // namespace corun
