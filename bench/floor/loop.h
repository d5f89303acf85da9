// The hand-written C++20 floor: a minimal asyncio event loop.
//
// What bench/run compares corun against besides CPython: the same programs
// written by hand in C++20, on a loop that does the work asyncio does and
// nothing more. It keeps CPython's shape (base_events.py, futures.py,
// tasks.py) so that the order of events, and so every checksum, is the same:
//
//   * Loop: a ready queue of callbacks and a timer queue ordered by
//     (deadline, scheduling sequence), as tests/oracle/vclock.py orders
//     CPython's heap (TimerQueue: the deadlines in order, a FIFO bucket
//     each). An iteration (`run_once`, BaseEventLoop._run_once) drops
//     cancelled timers from the queue's head (or rebuilds the queue without
//     them when they are over half of more than 100), jumps the virtual
//     clock to the next deadline when nothing is ready, moves the timers
//     that are due (deadline < now + 1 ns, the monotonic clock's
//     resolution) to the ready queue, then runs exactly the callbacks that
//     were ready when it started.
//   * Future: pending / finished / cancelled, an int64 result or an
//     exception kind, done-callbacks scheduled with call_soon in the order
//     they were added (the first inline, the rest in a vector).
//   * Task: a Future driving a coroutine frame on the heap. `task_step` is
//     Task.__step: it resumes the innermost suspended coroutine; an await of
//     a pending future registers the task's wakeup as a done-callback and
//     records the future as `fut_waiter`; a bare yield (sleep(0)) schedules
//     the next step. cancel() cancels `fut_waiter` or sets `must_cancel`, and
//     the next step delivers CancelledError at the await that resumes.
//   * Co: a coroutine. Awaiting one runs it inline (no loop iteration), as
//     `await coro()` does in Python; task_step's trampoline resumes callee
//     and caller in turn, so no await chain nests C++ calls.
//
// Exceptions are values, as hand-written C++ would do it: every await gives
// a Result (an int64 value, or an exception kind: CancelledError,
// TimeoutError, any other error), and the code tests it where Python would
// have an except clause. There is one loop (`loop`), like
// asyncio.get_running_loop() inside asyncio.run.
//
// Allocation: frames, tasks, futures and timers come from pool.h's free
// lists. Ownership: a Task is deleted by whoever created it, once it is
// done and its done-callbacks have run (loop.defer_delete queues the delete
// behind every callback already scheduled); a Task's coroutine frame is
// destroyed when the coroutine returns. A Timer is shared by the timer
// queue and its owner (two references, dropped by the queue when it pops
// the timer and by the owner with release()).
#pragma once

#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "bench/floor/pool.h"

namespace floorloop {

// The exception an await raises, if any.
enum class Exc : uint8_t { none, cancelled, timeout, error };

struct Result {
  int64_t value = 0;
  Exc exc = Exc::none;
  Result() = default;
  Result(int64_t v) : value(v) {}
  static Result raise(Exc e) {
    Result r;
    r.exc = e;
    return r;
  }
  bool ok() const { return exc == Exc::none; }
};

struct Future;
struct Task;
using Callback = void (*)(void* arg, Future* fut);

// A TimerHandle: the heap and the owner each hold one reference.
struct Timer : Pooled {
  Timer(double w, Callback f, void* a) : when(w), fn(f), arg(a) {}
  double when;
  Callback fn;
  void* arg;
  bool cancelled = false;
  bool scheduled = true;  // still in the heap
  int refs = 2;
  inline void cancel();
};

// The timer heap, in (deadline, scheduling sequence) order: the distinct
// deadlines in order, each with its timers in a FIFO bucket. On a virtual
// clock deadlines repeat (ten thousand tasks sleeping 5 ms), so a push is
// mostly an append and the ordered part stays small, as in corun's
// TimerQueue; the order is exactly a (when, seq) heap's.
class TimerQueue {
 public:
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  void push(Timer* t) {
    buckets_[t->when].timers.push_back(t);
    ++count_;
  }
  Timer* top() const {
    const Bucket& b = buckets_.begin()->second;
    return b.timers[b.head];
  }
  void pop() {
    auto it = buckets_.begin();
    if (++it->second.head == it->second.timers.size()) buckets_.erase(it);
    --count_;
  }
  // Removes the timers for which drop(t) is true (drop may free them).
  template <class F>
  void remove_if(F drop) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      Bucket& b = it->second;
      size_t out = 0;
      for (size_t i = b.head; i < b.timers.size(); ++i)
        if (!drop(b.timers[i])) b.timers[out++] = b.timers[i];
      count_ -= b.timers.size() - b.head - out;
      b.timers.resize(out);
      b.head = 0;
      it = out == 0 ? buckets_.erase(it) : std::next(it);
    }
  }

 private:
  struct Bucket {
    std::vector<Timer*> timers;
    size_t head = 0;  // timers before head have been popped
  };
  std::map<double, Bucket> buckets_;
  size_t count_ = 0;
};

struct Loop {
  struct Ready {
    Callback fn;
    void* arg;
    Future* fut;
    Timer* timer;  // set for a timer that fell due: skipped if cancelled
  };
  double now = 0;  // the virtual clock
  size_t timer_cancelled_count = 0;  // cancelled timers still in the heap
  std::deque<Ready> ready;
  TimerQueue scheduled;
  Task* current = nullptr;  // the task whose step is running

  void call_soon(Callback fn, void* arg, Future* fut = nullptr) {
    ready.push_back({fn, arg, fut, nullptr});
  }
  Timer* call_at(double when, Callback fn, void* arg) {
    Timer* t = new Timer(when, fn, arg);
    scheduled.push(t);
    return t;
  }
  Timer* call_later(double delay, Callback fn, void* arg) {
    return call_at(now + delay, fn, arg);
  }
  static void release(Timer* t) {
    if (--t->refs == 0) delete t;
  }
  // Deletes obj after every callback scheduled so far has run.
  template <class T>
  void defer_delete(T* obj) {
    call_soon([](void* p, Future*) { delete static_cast<T*>(p); }, obj);
  }

  void run_once() {
    size_t sched_count = scheduled.size();
    if (sched_count > 100 && timer_cancelled_count * 2 > sched_count) {
      // Too many cancelled timers: rebuild the heap without them.
      scheduled.remove_if([](Timer* t) {
        if (!t->cancelled) return false;
        t->scheduled = false;
        release(t);
        return true;
      });
      timer_cancelled_count = 0;
    } else {
      // Drop the cancelled timers at the head of the heap.
      while (!scheduled.empty() && scheduled.top()->cancelled) {
        --timer_cancelled_count;
        Timer* t = scheduled.top();
        scheduled.pop();
        t->scheduled = false;
        release(t);
      }
    }
    if (ready.empty() && !scheduled.empty() && scheduled.top()->when > now)
      now = scheduled.top()->when;  // the virtual selector's jump
    double end = now + 1e-9;
    while (!scheduled.empty() && scheduled.top()->when < end) {
      Timer* t = scheduled.top();
      t->scheduled = false;
      if (t->cancelled) --timer_cancelled_count;  // (CPython's count drifts)
      scheduled.pop();
      ready.push_back({nullptr, nullptr, nullptr, t});
    }
    for (size_t n = ready.size(); n > 0; --n) {
      Ready r = ready.front();
      ready.pop_front();
      if (r.timer) {
        if (!r.timer->cancelled) r.timer->fn(r.timer->arg, nullptr);
        release(r.timer);
      } else {
        r.fn(r.arg, r.fut);
      }
    }
  }
};

inline Loop loop;

// TimerHandle.cancel
inline void Timer::cancel() {
  if (cancelled) return;
  cancelled = true;
  if (scheduled) ++loop.timer_cancelled_count;
}

struct Future : Pooled {
  enum State : uint8_t { PENDING, FINISHED, CANCELLED };
  State state = PENDING;
  bool is_task = false;
  Exc exc = Exc::none;  // the exception of a finished future, if any
  int64_t result = 0;
  Callback cb0 = nullptr;  // the first done-callback, inline
  void* arg0 = nullptr;
  std::vector<std::pair<Callback, void*>> more;

  Future() = default;
  Future(const Future&) = delete;
  Future& operator=(const Future&) = delete;

  bool done() const { return state != PENDING; }
  bool cancelled() const { return state == CANCELLED; }
  Result outcome() const {
    if (state == CANCELLED) return Result::raise(Exc::cancelled);
    if (exc != Exc::none) return Result::raise(exc);
    return Result(result);
  }

  void add_done_callback(Callback fn, void* arg) {
    if (done()) {
      loop.call_soon(fn, arg, this);
    } else if (!cb0 && more.empty()) {
      cb0 = fn;
      arg0 = arg;
    } else {
      more.emplace_back(fn, arg);
    }
  }
  // Removes every callback equal to (fn, arg), as Future.remove_done_callback.
  void remove_done_callback(Callback fn, void* arg) {
    if (cb0 == fn && arg0 == arg) cb0 = nullptr;
    std::erase_if(more, [&](auto& c) { return c.first == fn && c.second == arg; });
  }
  void schedule_callbacks() {
    if (cb0) loop.call_soon(cb0, arg0, this);
    cb0 = nullptr;
    for (auto& [fn, arg] : more) loop.call_soon(fn, arg, this);
    more.clear();
  }
  void set_result(int64_t v) {
    if (done()) std::abort();  // InvalidStateError
    result = v;
    state = FINISHED;
    schedule_callbacks();
  }
  void set_exception(Exc e) {
    if (done()) std::abort();
    exc = e;
    state = FINISHED;
    schedule_callbacks();
  }
  // Future.cancel (a Task's is task_cancel: use cancel(Future*) below).
  bool cancel_future() {
    if (done()) return false;
    state = CANCELLED;
    schedule_callbacks();
    return true;
  }
  // Finishes as `r` says: a result, an exception or cancelled.
  void settle(Result r) {
    if (r.exc == Exc::cancelled)
      cancel_future();
    else if (r.exc != Exc::none)
      set_exception(r.exc);
    else
      set_result(r.value);
  }
};

// A coroutine. Lazily started; awaiting it runs it inline and gives its
// Result; create_task() makes it a task's top-level coroutine instead.
struct Co {
  struct promise_type {
    Result result;
    std::coroutine_handle<> continuation;  // the awaiting coroutine
    Task* task = nullptr;                  // set for a task's top coroutine

    static void* operator new(size_t n) { return pool.alloc(n); }
    static void operator delete(void* p, size_t n) { pool.free(p, n); }
    Co get_return_object() {
      return Co{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct Final {
      bool await_ready() noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept;
      void await_resume() noexcept {}
    };
    Final final_suspend() noexcept { return {}; }
    void return_value(Result r) { result = r; }
    void unhandled_exception() { std::abort(); }
  };

  std::coroutine_handle<promise_type> h;

  explicit Co(std::coroutine_handle<promise_type> handle) : h(handle) {}
  Co(Co&& o) noexcept : h(std::exchange(o.h, {})) {}
  Co(const Co&) = delete;
  ~Co() {
    if (h) h.destroy();
  }

  bool await_ready() { return false; }
  inline void await_suspend(std::coroutine_handle<> caller);  // run the callee next
  Result await_resume() { return h.promise().result; }
};

struct Task : Future {
  std::coroutine_handle<Co::promise_type> coro;  // null once returned
  std::coroutine_handle<> resume_at;             // innermost suspended frame
  std::coroutine_handle<> next;  // the frame task_step's trampoline resumes next
  Future* fut_waiter = nullptr;
  int num_cancels_requested = 0;
  bool must_cancel = false;
  bool throw_cancel = false;  // this step delivers CancelledError
  bool started = false;

  ~Task() {
    if (coro) coro.destroy();
  }
  // Task.cancel
  bool task_cancel() {
    if (done()) return false;
    ++num_cancels_requested;
    if (fut_waiter && cancel(fut_waiter)) return true;
    must_cancel = true;
    return true;
  }
  // Task.uncancel
  int uncancel() {
    if (num_cancels_requested > 0) --num_cancels_requested;
    return num_cancels_requested;
  }
  static bool cancel(Future* f) {
    return f->is_task ? static_cast<Task*>(f)->task_cancel() : f->cancel_future();
  }
};

inline bool cancel(Future* f) { return Task::cancel(f); }

// An await whose exception, if any, propagates (Python's default).
#define FLOOR_AWAIT(awaitable)                 \
  do {                                         \
    ::floorloop::Result r_ = co_await (awaitable); \
    if (!r_.ok()) co_return r_;                \
  } while (0)
// An await with a value, propagating the exception: `x = await ...`.
#define FLOOR_AWAIT_AS(name, awaitable) \
  ::floorloop::Result name = co_await (awaitable); \
  if (!name.ok()) co_return name

// Task.__step
inline void task_step(Task* t) {
  if (t->done()) std::abort();
  t->throw_cancel = t->must_cancel;
  t->must_cancel = false;
  t->fut_waiter = nullptr;
  if (!t->started) {
    t->started = true;
    if (t->throw_cancel) {  // cancelled before it ran: it raises at once
      t->coro.destroy();
      t->coro = {};
      t->cancel_future();
      return;
    }
  }
  // A trampoline rather than symmetric transfer, so that an await chain
  // however deep never nests C++ calls, at any optimisation level.
  loop.current = t;
  t->next = t->resume_at;
  while (std::coroutine_handle<> h = std::exchange(t->next, {})) h.resume();
  loop.current = nullptr;
  if (!t->done() && t->fut_waiter && t->must_cancel) {
    if (cancel(t->fut_waiter)) t->must_cancel = false;
  }
}
inline void task_step_cb(void* arg, Future*) { task_step(static_cast<Task*>(arg)); }
// Task.__wakeup: the awaiter reads the future's outcome when it resumes.
inline void task_wakeup(void* arg, Future*) { task_step(static_cast<Task*>(arg)); }

inline void Co::await_suspend(std::coroutine_handle<> caller) {
  h.promise().continuation = caller;
  loop.current->next = h;
}

inline void Co::promise_type::Final::await_suspend(
    std::coroutine_handle<promise_type> h) noexcept {
  promise_type& p = h.promise();
  if (p.continuation) {  // back to the awaiting frame
    loop.current->next = p.continuation;
    return;
  }
  // A task's coroutine returned (StopIteration or an exception).
  Task* t = p.task;
  Result r = p.result;
  h.destroy();
  t->coro = {};
  if (r.ok() && t->must_cancel) {
    t->must_cancel = false;
    r = Result::raise(Exc::cancelled);
  }
  t->settle(r);
}

// loop.create_task(coro): the first step is scheduled, not run.
inline Task* create_task(Co co) {
  Task* t = new Task;
  t->is_task = true;
  t->coro = std::exchange(co.h, {});
  t->coro.promise().task = t;
  t->resume_at = t->coro;
  loop.call_soon(task_step_cb, t);
  return t;
}

// The CancelledError a step delivers, taken at the await that resumes.
inline bool take_cancel(Task* t) {
  bool c = t->throw_cancel;
  t->throw_cancel = false;
  return c;
}

// `await fut`: Future.__await__ (no suspension when it is already done).
struct FutureAwait {
  Future* f;
  bool await_ready() { return f->done(); }
  void await_suspend(std::coroutine_handle<> h) {
    Task* t = loop.current;
    t->resume_at = h;
    t->fut_waiter = f;
    f->add_done_callback(task_wakeup, t);
  }
  Result await_resume() {
    if (Task* t = loop.current; t && take_cancel(t)) return Result::raise(Exc::cancelled);
    return f->outcome();
  }
};
inline FutureAwait operator co_await(Future& f) { return {&f}; }
inline FutureAwait operator co_await(Task& t) { return {&t}; }

// tasks.__sleep0: a bare yield; the task steps again next iteration.
struct Yield {
  bool await_ready() { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    Task* t = loop.current;
    t->resume_at = h;
    loop.call_soon(task_step_cb, t);
  }
  Result await_resume() {
    if (take_cancel(loop.current)) return Result::raise(Exc::cancelled);
    return Result();
  }
};

// futures._set_result_unless_cancelled
inline void set_result_unless_cancelled(void* arg, Future*) {
  auto* f = static_cast<Future*>(arg);
  if (!f->cancelled()) f->set_result(0);
}

// asyncio.sleep(delay): a bare yield for delay <= 0; otherwise a future (in
// the sleeping frame), a timer that sets it, and the timer cancelled when
// the sleep ends either way (`finally: h.cancel()`).
struct Sleep {
  double delay;
  Future fut;
  Timer* h = nullptr;
  explicit Sleep(double d) : delay(d) {}
  bool await_ready() { return false; }
  void await_suspend(std::coroutine_handle<> co) {
    Task* t = loop.current;
    t->resume_at = co;
    if (delay <= 0) {
      loop.call_soon(task_step_cb, t);
      return;
    }
    h = loop.call_later(delay, set_result_unless_cancelled, &fut);
    t->fut_waiter = &fut;
    fut.add_done_callback(task_wakeup, t);
  }
  Result await_resume() {
    Result r = take_cancel(loop.current) ? Result::raise(Exc::cancelled)
               : delay <= 0              ? Result()
                                         : fut.outcome();
    if (h) {
      h->cancel();
      Loop::release(h);
      h = nullptr;
    }
    return r;
  }
};
inline Sleep sleep(double delay) { return Sleep(delay); }

// asyncio.gather(*tasks): the children's done-callbacks count them; the
// outer future finishes when the last one did (or at the first failure,
// without return_exceptions). Held by the awaiting code and by the
// children's callbacks until the last has run: release() when done with it.
struct Gather : Pooled {
  Gather(std::vector<Task*> c, bool r) : children(std::move(c)), return_exceptions(r) {}
  std::vector<Task*> children;
  std::vector<Result> results;  // filled when the outer future finishes
  size_t nfinished = 0;
  bool return_exceptions;
  int refs = 2;
  Future outer;

  static void done_callback(void* arg, Future* fut) {
    auto* g = static_cast<Gather*>(arg);
    ++g->nfinished;
    bool last = g->nfinished == g->children.size();
    if (!g->outer.done()) {
      if (!g->return_exceptions && !fut->outcome().ok()) {
        g->outer.set_exception(fut->outcome().exc);
      } else if (last) {
        g->results.reserve(g->children.size());
        for (Task* c : g->children) g->results.push_back(c->outcome());
        g->outer.set_result(0);
      }
    }
    if (last) g->release();
  }
  void release() {
    if (--refs == 0) loop.defer_delete(this);
  }
};
inline Gather* gather(std::vector<Task*> children, bool return_exceptions = false) {
  auto* g = new Gather(std::move(children), return_exceptions);
  if (g->children.empty()) {
    g->refs = 1;
    g->outer.set_result(0);
  }
  for (Task* c : g->children) c->add_done_callback(Gather::done_callback, g);
  return g;
}

// asyncio.run(main()) for a workload: run the loop until the task is done.
inline Result run(Co main) {
  Task* t = create_task(std::move(main));
  while (!t->done()) {
    if (loop.ready.empty() && loop.scheduled.empty()) {
      std::fprintf(stderr, "deadlock\n");
      std::exit(3);
    }
    loop.run_once();
  }
  Result r = t->outcome();
  delete t;
  return r;
}

}  // namespace floorloop
