// The interpreter: runs a compiled Program the way `asyncio.run(main())`
// runs the equivalent Python program.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/vm/budget.h"
#include "engine/compile/code.h"
#include "engine/asyncio/event_loops.h"
#include "engine/asyncio/loop.h"
#include "engine/asyncio/native.h"
#include "engine/python/objects.h"
#include "engine/trace/trace.h"

namespace corun {

// A Python exception in flight through C++ code (expression evaluation,
// builtins). The VM catches it at the instruction boundary and unwinds the
// scenario's own try blocks.
struct PyException {
  Value exc;  // an ExcObj
};

// Raised to stop the run from anywhere (guards, Ctrl-C handling).
struct RunAborted {
  int exit_code;
  std::string message;
  // A guard that fires inside corun's prelude names the user's line that
  // led there, filled in by the first frame of the user's own code it
  // unwinds through (see Interp::execute).
  static constexpr std::string_view kUserLine = "@USER_LINE@";
  void place_user_line(const std::string& where) {
    size_t at = message.find(kUserLine);
    if (at != std::string::npos) message.replace(at, kUserLine.size(), where);
  }
  bool wants_user_line() const { return message.find(kUserLine) != std::string::npos; }
};

struct CallArgs {
  const Value* pos = nullptr;
  size_t npos = 0;
  const std::string* kwnames = nullptr;  // parallel to kw
  const Value* kw = nullptr;
  size_t nkw = 0;
  const Value* kwarg(std::string_view name) const {
    for (size_t i = 0; i < nkw; ++i) if (kwnames[i] == name) return &kw[i];
    return nullptr;
  }
};

struct RunOptions {
  ClockMode clock = ClockMode::Virtual;
  double speed = 1.0;
  bool debug = false;
  bool allow_network = false;  // --allow-network: real-clock sockets may reach beyond loopback
  uint64_t max_callbacks = 200'000'000;  // loop callbacks before the runaway guard stops the run
  int max_depth = 100'000;               // await-chain depth
  uint64_t max_busy = 100'000'000;       // instructions (and native work, budget.h) one task step may run without awaiting
  int64_t max_memory = int64_t(1) << 30;  // bytes the whole process may hold (budget.h)
  uint64_t max_spin = 10'000'000;        // loop iterations the virtual clock may be held still while a timer waits
  std::function<void(std::string_view)> out;  // stdout sink
  std::function<void(std::string_view)> err;  // stderr sink
  Tracer* tracer = nullptr;                    // scheduling events, when tracing
};

// The builtin types, exception classes and modules every program sees.
struct Builtins;

class Interp {
 public:
  Interp(const Program& program, RunOptions options);
  ~Interp();

  // asyncio.run(main): returns the process exit status.
  int run();

  // ---- used by the loop, futures, tasks and builtins ----
  EventLoop& loop() { return *loop_; }
  // The loop objects (event_loops.h): get_running_loop(), which raises
  // RuntimeError('no running event loop') outside one; the running loop
  // else the last that ran (a future's get_loop()).
  Value running_loop_object();
  Value current_loop_object() const { return loops_.running.is_none() ? loops_.last : loops_.running; }
  LoopState& loops() { return loops_; }
  // Runs `loop` (a LoopObj) until stop(); a deadlock or a guard aborts the run.
  void run_loop_forever(const Value& loop);
  void close_asyncgen_hooks() { asyncgen_hooks_ = false; }  // loop.close(): no finalizer from now on
  // BaseEventLoop.call_exception_handler / default_exception_handler; loop
  // None: the running loop, else the last that ran.
  void call_exception_handler(const Value& loop, const Value& context);
  void default_exception_handler(const Value& loop, const Value& context);
  void report_callback_exception(const Value& exc, const Value& handle);  // Handle._run's report
  void set_main_task(Value t) { main_task_ = std::move(t); }
  // A guard tripped in code run from a destructor (an exception handler
  // told of a future's unretrieved exception), where nothing may be thrown:
  // the run stops at the next instruction, or when the module ends.
  void defer_abort(RunAborted a);
  int interrupt_count() const { return interrupt_count_; }
  const Program& program() const { return program_; }
  const Builtins& builtins() const { return *builtins_; }
  const RunOptions& options() const { return options_; }
  void write_out(std::string_view s);
  void flush_output();  // what print() buffered, to the stdout sink
  void write_err(std::string_view s);
  void on_interrupt();

  // Exceptions
  [[noreturn]] void raise(TypeObj* type, std::string message);
  [[noreturn]] void raise_value(Value exc);
  [[noreturn]] void raise_unorderable(CmpOp op, const Value& a, const Value& b);  // '<' not supported between ...
  Value make_exception(TypeObj* type, std::string message);
  Value make_exception_args(TypeObj* type, std::vector<Value> args);
  // A MemoryError to raise, made before it is needed (budget.h).
  Value memory_error();
  bool exc_matches(const Value& exc, const Value& type_or_tuple);
  TypeObj* type_of(const Value& v) const;

  // Calls and evaluation
  Value call(const Value& callee, CallArgs& args, const Expr* site = nullptr);
  Value call0(const Value& callee, std::vector<Value> args);
  Value make_function(const Expr& e, Frame& f);  // a lambda, or a `def` step's function (closures.cpp)
  void install_closure(const FunctionObj& fn, Frame& frame);  // cells and free variables, at the frame's start
  void assign_target(const Expr& target, Value v, Frame& f) { assign(target, std::move(v), f); }
  // The hot cases (constants, locals, module globals) inline, and the hot
  // kinds straight to their own functions; the rest in eval.cpp.
  [[gnu::always_inline]] Value eval(const Expr& e, Frame& f) {
    switch (e.kind) {
      case ExprKind::Const: return e.value;
      case ExprKind::Name:
        if (e.scope == Scope::Local) {
          const Value& v = f.slots[size_t(e.slot)];
          if (!v.is_unbound()) return v;
        } else if (e.scope == Scope::Global) {
          const Value& v = globals_[size_t(e.slot)];
          if (!v.is_unbound()) return v;
        }
        break;
      case ExprKind::Binary: return eval_binary(e, f);
      case ExprKind::Compare: return eval_compare(e, f);
      case ExprKind::Call: return eval_call(e, f);
      case ExprKind::Attr: return eval_attr(e, f);
      default: break;
    }
    return eval_slow(e, f);
  }
  // `if:`/`while:` conditions: an int comparison gives its bool without
  // making a Value, a bool is its own truth; anything else is truthy().
  [[gnu::always_inline]] bool eval_condition(const Expr& e, Frame& f) {
    if (e.kind == ExprKind::Compare) return eval_compare_bool(e, f);
    Value v = eval(e, f);
    return v.is_bool() ? v.as_bool() : truthy(v);
  }
  bool eval_compare_bool(const Expr& e, Frame& f);
  bool eval_compare_general(const Expr& e, Frame& f);
  Value eval_slow(const Expr& e, Frame& f);
  Value eval_attr(const Expr& e, Frame& f);
  Value eval_binary(const Expr& e, Frame& f);
  Value eval_binary_general(const Expr& e, Frame& f);
  Value eval_compare(const Expr& e, Frame& f);
  Value get_attr(const Value& obj, const std::string& name);
  Value call_method(const Value& obj, const std::string& name, CallArgs& args, const Expr* site);
  // obj.name and obj.name(...) for an Attr expression: as get_attr and
  // call_method, through the expression's inline cache for instances.
  Value get_attr_at(const Value& obj, const Expr& attr);
  Value subscript(const Value& obj, const Value& index);  // obj[index]
  Value call_method_at(const Value& obj, const Expr& attr, CallArgs& args, const Expr* site);
  // The class function obj.name names, when obj is an instance whose
  // fields do not hide it (the cache's hit, filled on a miss); else null.
  const FunctionObj* instance_method_at(const Value& obj, const Expr& attr);
  void set_attr(const Value& obj, const std::string& name, Value v);
  void set_attr_at(const Value& obj, const Expr& attr, Value v);  // obj.name = v, through attr's cache
  std::vector<Value> to_vector(const Value& iterable);
  // to_vector for a value only the caller holds (a temporary list, tuple or
  // generator expression): its items are moved out instead of copied.
  std::vector<Value> take_vector(const Value& iterable);
  Value get_iter(const Value& iterable);
  bool iter_next(const Value& it, Value& out);
  size_t next_row(IteratorObj& it, std::vector<Value>& row);  // map/zip: an item of each

  // Text
  std::string repr(const Value& v);
  std::string repr_value(const Value& v);
  std::string str(const Value& v);
  // The builtin types' str and repr, skipping a scenario class's __str__/__repr__
  // (what super().__str__() reaches).
  std::string base_str(const Value& v);
  std::string base_repr(const Value& v);
  std::string format(const Value& v, std::string_view spec);
  bool truthy(const Value& v);
  Value binary_op(BinOp op, const Value& a, const Value& b);
  bool compare(CmpOp op, const Value& a, const Value& b);

  // Futures (futures.cpp)
  Ref<FutureObj> create_future();
  void future_set_result(FutureObj* f, Value v);
  void future_set_exception(FutureObj* f, Value exc);
  bool future_cancel(FutureObj* f, Value msg);
  void future_add_done_callback(FutureObj* f, Callback fn, Value ctx);
  Value future_result(FutureObj* f);         // raises like Future.result()
  // Future.result()'s outcome without a C++ throw (which costs thousands
  // of instructions a frame): true with the exception in `out` where
  // result() would raise it, else false with the result.
  // (The hot case, a result, inline: it is every task's wake-up.)
  [[gnu::always_inline]] bool future_outcome(FutureObj* f, Value& out) {
    if (f->state == FutureObj::State::Finished && f->exception.is_none()) [[likely]] {
      f->log_traceback = false;
      out = f->result;
      return false;
    }
    out = future_failure(f);
    return true;
  }
  // What result() raises for a future that is not done with a result.
  Value future_failure(FutureObj* f);
  // An await of `fut` (null: a bare yield) in `f` resumed: the awaiting
  // instruction completes with the result, or (true) `exc` is what
  // result() raised, or what assigning the result to the target raised.
  bool resume_await(Frame& f, FutureObj* fut, Value& exc);
  Value future_exception(FutureObj* f);      // like Future.exception()
  Value make_cancelled_error(FutureObj* f);  // Future._make_cancelled_error()
  Value cancelled_error(const Value& msg);   // CancelledError(), or CancelledError(msg)
  void report_unretrieved(FutureObj* f);     // "Task exception was never retrieved"

  // Tasks (tasks.cpp)
  Ref<TaskObj> create_task(Value coro, Value name);
  bool task_cancel(TaskObj* t, Value msg);
  bool future_cancel_any(FutureObj* f, Value msg);  // fut.cancel(msg) for any future kind
  Value gather(std::vector<Value> awaitables, bool return_exceptions);
  TaskObj* current_task() const { return current_task_; }
  std::vector<TaskObj*> all_tasks() const;  // pending tasks, creation order
  void forget_task(TaskObj* t);
  void forget_gather(GatherFutureObj* g);
  void report_never_awaited(CoroObj* c);

  // Coroutines and frames
  Value make_coroutine(const FunctionObj* fn, CallArgs& args, const Expr* site, Value self);
  Value call_function(const FunctionObj* fn, CallArgs& args, const Expr* site, Value self);

  // Generators and async generators (engine/vm/generators.cpp; the frame
  // work in interp.cpp).
  Value gen_resume(CoroObj* g, Value sent, Value exc, bool& finished);
  Value gen_send(const Value& gen, Value sent);     // gen.send(v) / next(gen): StopIteration at the end
  Value gen_throw(const Value& gen, Value exc);     // gen.throw(exc)
  void gen_close(const Value& gen);                 // gen.close()
  Value make_agen_awaitable(const Value& agen, AnextObj::Mode mode, Value arg);  // __anext__/asend/athrow/aclose
  // The loop's asyncgen hooks (base_events.py): alive async generators,
  // and the finalizer that schedules aclose() for one dropped unfinished.
  void finalize_generator(CoroObj* g);  // its last reference went (pool.cpp's destroy_object)
  std::vector<Value> take_asyncgens();  // shutdown_asyncgens(): the alive ones, forgotten
  Value prelude_function(std::string_view name);  // a hidden definition of the asyncio prelude
  Value coro_send(const Value& coro, Value sent, Value exc);  // coro.send(v) / coro.throw(exc)
  void coro_close(const Value& coro);
  std::string location(const CodeObject* code, int line) const;
  std::string user_location(const Frame* f, int line) const;
  const std::string& file_name() const;
  Value global(int index) const { return globals_[index]; }

  void print_traceback(const Value& exc);  // "Traceback ..." in scenario terms, on stderr
  void report_slow_callback(Callback fn, const Value& a, int64_t ns);  // debug mode

  // Tracing (engine/trace/trace.h): cheap when off.
  Tracer* tracer() const { return options_.tracer; }
  void trace(TraceKind kind, const TaskObj* task, int line = 0, std::string detail = {}, uint64_t parent = 0,
             int64_t duration_ns = 0);
  std::string describe_wait(const TaskObj* t);  // what a suspended task waits on
  static int scenario_line(const Frame* f);     // where, in the scenario's lines
  std::string describe_call(const CoroObj* c);  // "worker('A', 2)"
  // Who acts when no task is running (engine/trace/trace.h's TraceEvent::by):
  // a task's own end resolving its future, a done-callback of a finished
  // task (its serial), or a loop.call_* handle's callback (its number).
  // Only kept while tracing.
  uint64_t trace_waker() const { return current_task_ ? current_task_->serial : trace_cause_task_; }
  uint64_t trace_callback() const { return current_task_ ? 0 : trace_callback_; }
  void set_trace_cause(uint64_t task) { trace_cause_task_ = task; }
  const TaskObj* trace_cancelling() const { return trace_cancelling_; }  // the task cancel() is cancelling the wait of
  // The loop runs one ready callback (fn, a, b): a handle's is traced
  // (TraceKind::CallbackRun); a done-callback acts for the future it got.
  void trace_callback_begin(Callback fn, const Value& a, const Value& b);
  void trace_callback_end() { trace_cause_task_ = trace_callback_ = 0; }
  // A waiting task's future was resolved (or its sleep cancelled): who woke it.
  void trace_wake(const TaskObj* waiter, bool cancelled);
  // Why a cancel() now is requested, when the canceller is not the reason
  // (a TaskGroup aborting because a child failed); empty otherwise.
  std::string trace_reason;

  // Guards and counters
  uint64_t steps() const { return steps_; }

  // The VM entry for one task step: send(None) when exc is None, else throw(exc).
  enum class StepOutcome { Yield0, YieldFuture, YieldSleep, Returned, Raised };
  StepOutcome run_task(TaskObj* t, Value& exc, Value& out);  // exc: None, or thrown in (consumed)

 private:
  friend struct TaskSteps;
  // Runs frames from `f` until the chain suspends, or the frame `bottom`
  // returns (sync calls) — see interp.cpp.
  enum class Exit { Return, Raise, Suspend0, SuspendFuture, SuspendSleep, Yield };
  Exit execute(Frame*& f, Value& carry, Frame* bottom, bool sync);
  Exit run_sync(Frame& frame, Value& carry);
  bool unwind(Frame*& f, Value& exc, Frame* bottom);
  // `exc` raised at f's instruction: its __context__, this frame's
  // traceback entry, then the handler that takes it (true), or it leaves
  // `bottom` (false; carry holds it).
  bool raise_at(Frame*& f, Value exc, Frame* bottom, Value& carry);
  void hand_to_native(Frame& f, bool& raising, Value& exc);
  void chain_thrown(Value& exc, const Frame* f);
  // What a port's Op::Native did: its next instruction is due, it suspends
  // (carry: the future), or it raised (carry: the exception).
  enum class NativeExit { Next, Suspend, Raise };
  NativeExit run_native(Frame*& f, Value& carry, bool sync);
  NativeExit native_steps(Frame*& f, const Instr& ins, NativeStep r, Value& carry, bool sync);
  // Library ports called and awaited with no frame (engine/vm/native_calls.cpp).
  enum class AwaitedCall : uint8_t { Evaluated, Continue, Suspend };
  AwaitedCall await_method_call(Frame*& f, const Instr& ins, Value& carry, Value& aw);
  AwaitedCall await_native(Frame*& f, const Instr& ins, const FunctionObj* fn, const Value& self, Value& carry);
  Value call_native_positional(const FunctionObj* fn, const Value& self, const Expr& call, Frame& caller);
  bool await_step(Frame*& f, const Instr& ins, Value& carry, bool sync);
  Exit sleep_step(Frame& f, const Instr& ins, bool sync);
  void return_to_parent(Frame*& f, Value v);
  void enter_async_gen(Frame*& f, const Value& aw);
  bool async_gen_exception_leaves(Value& exc, const Ref<Object>& aw);
  bool throw_into_unstarted_aclose(CoroObj* coro, Value& exc);
  void release_locals(Frame& f);
  [[noreturn]] void budget_exhausted(const Frame& f, const Instr& ins);
  int abort_run(RunAborted a);
  // Work units a Python exception costs as it is caught in the instruction
  // loop: C++ unwinding and the traceback, measured at ~1.8 us near the top
  // of the stack (about 250 instructions' time) and ~8 us 990 calls deep,
  // hence a unit more per plain-function call on the stack. A loop of raise
  // and except (or a recursion whose except calls itself) is bounded too.
  static constexpr uint64_t kExceptionCost = 250;
  static CoroObj* awaited_coroutine(const Frame& parent);
  void add_traceback(Value& exc, const Frame& f);
  [[gnu::always_inline]] void assign(const Expr& target, Value v, Frame& f) {
    if (target.kind == ExprKind::Name && target.scope == Scope::Local) f.slots[size_t(target.slot)] = std::move(v);
    else assign_slow(target, std::move(v), f);
  }
  void assign_slow(const Expr& target, Value v, Frame& f);
  void delete_target(const Expr& target, Frame& f);  // the `del` statement's one target
  // An awaiting instruction's value: store it, move past.
  // (A native frame that awaited a coroutine keeps its pc: the value waits
  // in its result slot for run_native to hand to the step.)
  [[gnu::always_inline]] void complete(Frame& f, Value v) {
    const Instr& ins = f.code->code[size_t(f.pc)];
    f.suspended = false;
    if (f.code->native) [[unlikely]] {
      f.slots[ins.a] = std::move(v);
      return;
    }
    if (ins.target) assign(*ins.target, std::move(v), f);
    ++f.pc;
  }
  Value eval_call(const Expr& e, Frame& f);
  // The call `e` once its callee is evaluated: `fn` is the function, or for
  // obj.method(...) the object (eval.cpp; the body, inline there, is
  // eval_call's own).
  Value call_evaluated(const Expr& e, const Value& fn, Frame& f);
  // (`raised`: call_catching's, for a plain function's exception.)
  [[gnu::always_inline]] inline Value call_evaluated_inline(const Expr& e, const Value& fn, Frame& f, Value* raised = nullptr);
  // fn(nargs arguments) binds positionally: no *args parameter, and a
  // default for each parameter past the arguments (call_positional).
  bool positional_fits(const FunctionObj* fn, const Value& self, size_t nargs) {
    const CodeObject* code = fn->code;
    size_t nparams = code->params.size(), first = nargs + (self.is_none() ? 0 : 1);
    if (code->gathers_arguments() || first > nparams) return false;
    for (size_t p = first; p < nparams; ++p)
      if (p >= fn->defaults.size() || fn->defaults[p].is_unbound()) return false;
    return true;
  }
  Value call_positional(const FunctionObj* fn, const Value& self, const Expr& call, Frame& caller);
  // The call `e` a statement makes (`call: f(x)`, `set: {y: f(x)}`,
  // `return: f(x)`), as eval_call makes it, except that what a plain
  // Python function called with positional arguments raises comes back
  // (true; `out` holds it) instead of being thrown, so that an exception
  // its caller catches crosses no C++ frame (execute hands it to
  // raise_at). Anything else throws as ever.
  bool call_catching(const Expr& e, Frame& f, Value& out);
  // A statement's whole expression into `out`: call_catching for a call
  // (true: `out` is what the function raised), a name's own
  // NameError/UnboundLocalError handed back the same way (`return: r`
  // after an except that left r unbound: no C++ unwinding, which costs
  // tens of thousands of instructions), eval for anything else.
  [[gnu::always_inline]] bool eval_catching(const Expr& e, Frame& f, Value& out) {
    if (e.kind == ExprKind::Call) return call_catching(e, f, out);
    if (e.kind == ExprKind::Name) {
      if (e.scope == Scope::Local && !f.slots[size_t(e.slot)].is_unbound()) {
        out = f.slots[size_t(e.slot)];
        return false;
      }
      return name_catching(e, f, out);
    }
    out = eval(e, f);
    return false;
  }
  // A name's value, or (true) the exception reading it raises.
  bool name_catching(const Expr& e, Frame& f, Value& out);
  const Value* name_value(const Expr& e, Frame& f);  // null: unbound
  Value unbound_name_error(const Expr& e);
  // call_positional's plain-function case for call_catching: the result,
  // or (None returned) the exception in `raised`.
  Value call_plain_catching(const FunctionObj* fn, const Value& self, const Expr& call, Frame& caller, Value& raised);
  Exit run_plain_call(const FunctionObj* fn, const Value& self, const Expr& call, Frame& caller, Value& carry);
  // The arguments of `call` (positional_fits) evaluated into the slots of
  // fn's frame, after `self` when it is not None; defaults fill the rest.
  [[gnu::always_inline]] void bind_positional(Value* slots, const FunctionObj* fn, const Value& self, const Expr& call,
                                              Frame& caller) {
    const size_t offset = self.is_none() ? 0 : 1, nargs = call.kids.size() - 1, nparams = fn->code->params.size();
    if (offset) slots[0] = self;
    for (size_t i = 0; i < nargs; ++i) slots[offset + i] = eval(*call.kids[i + 1], caller);
    for (size_t p = offset + nargs; p < nparams; ++p) slots[p] = fn->defaults[p];
  }
  // Plain calls nested this deep raise RecursionError (CPython's limit is
  // 1000 frames, a few used by asyncio itself).
  static constexpr int kMaxSyncDepth = 990;
  void note_creation_site(CoroObj& c, const Expr& call, const Frame& f);
  Value eval_comprehension(const Expr& e, Frame& f);
  Value eval_fstring(const Expr& e, Frame& f);
  void bind_args(const CodeObject* code, const std::vector<Value>& defaults, CallArgs& args, Frame& frame,
                 const Value& self, const std::string& fname);
  void bind_args_general(const CodeObject* code, const std::vector<Value>& defaults, CallArgs& args, Frame& frame,
                         const Value& self, const std::string& fname);
  void instantiate_program();

  const Program& program_;
  RunOptions options_;
  std::unique_ptr<Builtins> builtins_;
  std::unique_ptr<EventLoop> loop_;
  std::vector<Value> globals_;
  std::string out_buffer_;
  TaskObj* current_task_ = nullptr;
  uint64_t trace_cause_task_ = 0;  // see trace_waker()
  TaskObj* trace_cancelling_ = nullptr;
  uint64_t trace_callback_ = 0;    // the handle callback running (its number), 0 = none
  uint64_t trace_callbacks_ = 0;   // handle callbacks run so far
  uint64_t task_counter_ = 0;
  uint64_t steps_ = 0;
  Value spare_memory_error_;  // raised without allocating (memory_error())
  std::unordered_set<std::string> warned_;  // warnings already shown (once per text and line, as CPython)
  int sync_depth_ = 0;
  int interrupt_count_ = 0;
  Value main_task_;  // what the first Ctrl-C cancels (Runner.run's task)
  LoopState loops_;
  int finish_module(Value exc);  // the exit status for what escaped the module body
  std::unique_ptr<RunAborted> deferred_abort_;
  // Live tasks in creation order (CPython's _all_tasks, made deterministic).
  std::vector<TaskObj*> tasks_;
  // gather()'s pending results, the other way a run's leftovers hold each other.
  std::vector<GatherFutureObj*> gathers_;
  static void break_cycles(std::vector<Ref<FutureObj>>& live);  // at the end of a run
  size_t dead_tasks_ = 0;
  // BaseEventLoop._asyncgens (a weak set: pointers, forgotten when the
  // generator finishes or is finalized), in first-iteration order.
  std::vector<CoroObj*> asyncgens_;
  bool asyncgen_hooks_ = false;  // the loop is running: sys.set_asyncgen_hooks is in force
  bool asyncgens_shutdown_called_ = false;
  std::vector<std::pair<std::string, Value>> prelude_cache_;
  int hand_driving_ = 0;  // coroutines being run by send()/throw()
  friend void register_asyncgen(Interp&, CoroObj*);
};

// The interpreter running on this thread (objects report warnings to it when
// they are freed).
Interp* current_interp();

// time.sleep(secs) in nanoseconds, with CPython's TypeError/ValueError/OverflowError.
int64_t time_sleep_ns(Interp& in, const Value& secs);

}  // namespace corun
