// The event loop: CPython's BaseEventLoop._run_once, on a clock that is
// either virtual (the default: jump to the next deadline) or real (wait on a
// libevent timer).
//
//   * ready callbacks run FIFO, and one iteration runs only those that were
//     ready when it began;
//   * timers live in a heap ordered by (deadline, scheduling order), so equal
//     deadlines fire in the order they were scheduled;
//   * cancelled timers are dropped lazily, as CPython does, and never move
//     the virtual clock.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/python/objects.h"
#include "engine/asyncio/block_queue.h"
#include "engine/asyncio/network.h"
#include "engine/asyncio/selector.h"
#include "engine/asyncio/timer_queue.h"

struct event_base;
struct event;

namespace corun {

enum class ClockMode { Virtual, Real };

// Virtual time is int64 nanoseconds: about 292 years. CPython's clock is a
// float and never overflows, so corun's time arithmetic saturates instead of
// wrapping: a deadline beyond the range (or at +inf) is kNever, a timer that
// never fires -- CPython would wait that long, which is forever.
constexpr int64_t kNever = INT64_MAX;
// The clock itself stops one tick short, so a kNever timer never comes due.
constexpr int64_t kLastInstant = kNever - 1;
constexpr int64_t kNsPerSecond = 1'000'000'000;
// a + b, clamped to [INT64_MIN, kNever].
int64_t add_ns_saturated(int64_t a, int64_t b);
// Whole seconds to nanoseconds, clamped the same way.
int64_t int_seconds_to_ns(int64_t s);
// Float seconds to nanoseconds, rounded, clamped the same way; NaN is 0
// (the caller decides what NaN means where CPython gives it a meaning).
int64_t float_seconds_to_ns(double s);

void sleep_timer_fired(Interp& in, const Value& task, const Value&);  // engine/asyncio/tasks.cpp
bool is_task_wakeup(Callback fn);                                     // Task.__wakeup, ditto

class EventLoop {
 public:
  EventLoop(Interp& interp, ClockMode mode, double speed);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  ClockMode mode() const { return mode_; }
  int64_t now() const;  // nanoseconds since the run began (scaled by --speed)
  double time() const { return double(now()) / 1e9; }

  // a and b are objects or None: internal callbacks pass tasks, futures,
  // exceptions and contexts, never plain numbers.
  void call_soon(Callback fn, Value a = Value(), Value b = Value());
  // A Handle (loop.call_soon, a timer that came due): it runs unless
  // cancelled before its turn.
  void call_handle_soon(Ref<HandleObj> h) { ready_.push_back(Ready{run_handle, Ref<Object>(h.get()), Ref<Object>()}); }
  // A handle just made: when tracing, it remembers the task scheduling it.
  void note_scheduler(HandleObj* h);
  // to_thread on the virtual clock: blocking inside the "thread" adds to its
  // own elapsed time instead of stopping the loop.
  int64_t begin_thread_time() { int64_t saved = thread_ns_; thread_ns_ = 0; ++in_thread_; return saved; }
  int64_t end_thread_time(int64_t saved) { int64_t spent = thread_ns_; thread_ns_ = saved; --in_thread_; return spent; }
  // What a clock read inside such a "thread" says: the loop's time when the
  // thread started plus what it has blocked since, as a real thread sees.
  double thread_time() const { return double(in_thread_ ? add_ns_saturated(now(), thread_ns_) : now()) / 1e9; }
  Ref<HandleObj> call_at(int64_t when_ns, Callback fn, Value a = Value(), Value b = Value());
  Ref<HandleObj> call_later(int64_t delay_ns, Callback fn, Value a = Value(), Value b = Value()) {
    return call_at(add_ns_saturated(now(), delay_ns), fn, std::move(a), std::move(b));
  }
  void timer_cancelled() { timers_.note_cancelled(); }
  // asyncio.sleep's timer for a task (see TaskObj::sleep): when it fires,
  // sleep_timer_fired(task) runs as the TimerHandle's callback would.
  void call_sleep_timer(TaskObj* t, int64_t when) { timers_.push_sleep(t, when); }

  // time.sleep(): blocks everything; the clock moves on.
  void block(int64_t ns);

  void stop() { stopping_ = true; }
  // loop.close(): what was scheduled is dropped.
  void clear_scheduled() {
    ready_.clear();
    timers_.clear();
    if (selector_) selector_->clear();  // and its selector is closed
  }
  // Runs iterations until stop(). Returns false when nothing can ever run
  // again (a deadlock: CPython would wait forever).
  bool run_forever();

  size_t ready_count() const { return ready_.size(); }
  bool has_timer() { int64_t when; return next_timer_deadline(when); }
  uint64_t iterations() const { return iterations_; }
  uint64_t callbacks_run() const { return callbacks_run_; }
  bool interrupted() const;  // Ctrl-C seen
  void clear_interrupt();

  bool debug_ = false;  // asyncio debug mode: slow-callback warnings
  // Guards against runaway scenarios.
  uint64_t max_callbacks = 0;  // 0 = unlimited
  bool limit_hit() const { return limit_hit_; }
  // The polling guard (virtual clock only): the clock moves only when
  // nothing is ready, so a task polling with sleep(0) for something a timer
  // will do stops time for good. Past this many iterations in a row that
  // began with callbacks ready, a timer pending and the clock unmoved, the
  // run stops. 0 = unlimited.
  uint64_t max_spin = 0;
  bool spin_hit() const { return spin_hit_; }
  bool next_timer_deadline(int64_t& when);

  // The run's network and the loop's selector over it, made by the first
  // socket (a run without sockets has neither, and no I/O phase): the
  // virtual network on the virtual clock, real sockets on the real clock
  // (OsNetwork, on this loop's libevent base).
  Network* network();
  // The same, for a socket object, which closes its fd when it is freed
  // and must not outlive the network (sockets.cpp).
  std::weak_ptr<Network> network_ref() { return network_; }
  Selector* selector() { return selector_.get(); }
  // --allow-network: the real clock may reach addresses beyond loopback.
  bool allow_network = false;

 private:
  void run_once();
  void traced_callback(Callback fn, const Value& a, const Value& b);  // a ready callback, traced
  void count_spin(bool have_timer, int64_t deadline);
  void wait_real(int64_t timeout_ns);  // -1 = forever
  void io_phase(bool have_timer, int64_t deadline);  // _run_once's select + _process_events
  int64_t real_wait_ns(int64_t virtual_ns) const;  // a wait on the --speed scaled clock, in real ns

  Interp& interp_;
  ClockMode mode_;
  double speed_;
  int64_t virtual_now_ = 0;
  int64_t thread_ns_ = 0;
  int in_thread_ = 0;
  int64_t real_start_ = 0;

 public:
  // A ready callback. Internal ones (task steps, done-callbacks) need no
  // handle object; cancellable ones (timers, loop.call_soon) are run_handle
  // with their handle as `a`. 24 bytes: a million ready tasks is 24 MB.
  struct Ready {
    Callback fn;
    Ref<Object> a, b;
  };
  static void run_handle(Interp& in, const Value& handle, const Value&);

 private:
  BlockQueue<Ready> ready_;
  TimerQueue timers_;
  bool stopping_ = false;
  bool limit_hit_ = false;
  bool spin_hit_ = false;
  uint64_t spin_ = 0;        // iterations in a row with the clock held still
  int64_t spin_clock_ = 0;   // the clock reading they began at
  uint64_t iterations_ = 0;
  uint64_t callbacks_run_ = 0;
  event_base* base_ = nullptr;
  event* timer_event_ = nullptr;
  event* sigint_event_ = nullptr;
  std::shared_ptr<Network> network_;
  std::unique_ptr<Selector> selector_;
  std::vector<std::pair<int, int>> io_events_;  // select()'s result, reused
};

}  // namespace corun
