#include "engine/asyncio/loop.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <csignal>
#include <cmath>
#include <ctime>

#include <event2/event.h>

#include "engine/asyncio/traced_network.h"
#include "engine/vm/interp.h"

namespace corun {
namespace {

std::atomic<bool> g_interrupted{false};

void on_sigint_flag(int) { g_interrupted = true; }

void on_sigint_event(evutil_socket_t, short, void*) { g_interrupted = true; }

void on_timer_event(evutil_socket_t, short, void*) {}

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

int64_t add_ns_saturated(int64_t a, int64_t b) {
  int64_t r;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? kNever : INT64_MIN;
}

int64_t int_seconds_to_ns(int64_t s) {
  int64_t r;
  if (!__builtin_mul_overflow(s, kNsPerSecond, &r)) return r;
  return s > 0 ? kNever : INT64_MIN;
}

int64_t float_seconds_to_ns(double s) {
  if (std::isnan(s)) return 0;
  double ns = std::round(s * 1e9);
  // 2**63 is exact in a double; anything at or past it does not fit.
  if (ns >= 9223372036854775808.0) return kNever;
  if (ns <= -9223372036854775808.0) return INT64_MIN;
  return int64_t(ns);
}

EventLoop::EventLoop(Interp& interp, ClockMode mode, double speed)
    : interp_(interp), mode_(mode), speed_(speed > 0 ? speed : 1.0) {
  g_interrupted = false;
  if (mode_ == ClockMode::Real) {
    event_config* cfg = event_config_new();
    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
    base_ = event_base_new_with_config(cfg);
    event_config_free(cfg);
    timer_event_ = evtimer_new(base_, on_timer_event, nullptr);
    sigint_event_ = evsignal_new(base_, SIGINT, on_sigint_event, nullptr);
    event_add(sigint_event_, nullptr);
    real_start_ = monotonic_ns();
  } else {
    // Virtual runs never wait, but a long one can still be interrupted.
    std::signal(SIGINT, on_sigint_flag);
  }
}

EventLoop::~EventLoop() {
  // Release callbacks before the interpreter state they point into goes away.
  ready_.clear();
  timers_.clear();
  selector_.reset();
  network_.reset();
  if (sigint_event_) event_free(sigint_event_);
  if (timer_event_) event_free(timer_event_);
  if (base_) event_base_free(base_);
  if (mode_ == ClockMode::Virtual) std::signal(SIGINT, SIG_DFL);
}

int64_t EventLoop::now() const {
  if (mode_ == ClockMode::Virtual) return virtual_now_;
  // --speed scales real time; a huge speed saturates rather than wraps.
  return std::min(add_ns_saturated(float_seconds_to_ns(double(monotonic_ns() - real_start_) * speed_ / 1e9), virtual_now_),
                  kLastInstant);
}

bool EventLoop::interrupted() const { return g_interrupted; }
void EventLoop::clear_interrupt() { g_interrupted = false; }

void EventLoop::call_soon(Callback fn, Value a, Value b) {
  assert((a.is_obj() || a.is_none()) && (b.is_obj() || b.is_none()));
  ready_.push_back(Ready{fn, a.take_ref(), b.take_ref()});
}

Ref<HandleObj> EventLoop::call_at(int64_t when_ns, Callback fn, Value a, Value b) {
  Ref<HandleObj> h(new HandleObj(fn, std::move(a), std::move(b)));
  note_scheduler(h.get());
  h->is_timer = true;
  h->when = when_ns;
  timers_.push(h);
  return h;
}

void EventLoop::note_scheduler(HandleObj* h) {
  if (interp_.tracer()) h->trace_by = interp_.trace_waker();
}

void EventLoop::block(int64_t ns) {
  if (ns <= 0) return;
  if (in_thread_) {
    thread_ns_ = add_ns_saturated(thread_ns_, ns);
    return;
  }
  if (mode_ == ClockMode::Virtual) {
    // The clock stops at the end of its range: what CPython's float clock
    // would read that far out is beyond anything a run can observe.
    virtual_now_ = std::min(add_ns_saturated(virtual_now_, ns), kLastInstant);
    return;
  }
  int64_t real_ns = real_wait_ns(ns);
  timespec ts{time_t(real_ns / kNsPerSecond), long(real_ns % kNsPerSecond)};
  while (nanosleep(&ts, &ts) == -1 && !g_interrupted) {}
}

int64_t EventLoop::real_wait_ns(int64_t virtual_ns) const {
  return float_seconds_to_ns(double(virtual_ns) / speed_ / 1e9);
}

bool EventLoop::next_timer_deadline(int64_t& when) { return timers_.next_deadline(when); }

void EventLoop::wait_real(int64_t timeout_ns) {
  if (timeout_ns >= 0) {
    int64_t real_ns = real_wait_ns(timeout_ns);
    timeval tv{time_t(real_ns / kNsPerSecond), suseconds_t((real_ns % kNsPerSecond) / 1000)};
    evtimer_add(timer_event_, &tv);
  }
  event_base_loop(base_, EVLOOP_ONCE);
  evtimer_del(timer_event_);
}

Network* EventLoop::network() {
  if (!network_) {
    std::unique_ptr<Network> net = mode_ == ClockMode::Virtual ? make_virtual_network() : make_os_network(base_);
    // A traced run sees every socket call (engine/asyncio/traced_network.h).
    if (interp_.tracer()) net = make_traced_network(std::move(net), interp_);
    network_ = std::move(net);
    selector_ = std::make_unique<Selector>(*network_);
  }
  return network_.get();
}

// _run_once's `event_list = self._selector.select(timeout);
// self._process_events(event_list)`. The timeout: 0 when callbacks are
// ready or the loop is stopping, else until the next timer, else none. The
// virtual network never waits: when it has nothing to report, the virtual
// clock jumps to the timer instead, as select() would have waited for it.
void EventLoop::io_phase(bool have_timer, int64_t deadline) {
  int64_t timeout = -1;
  if (!ready_.empty() || stopping_) timeout = 0;
  else if (have_timer && deadline != kNever) timeout = deadline > now() ? deadline - now() : 0;
  io_events_.clear();
  if (mode_ == ClockMode::Virtual) {
    network_->select(0, io_events_);
    if (io_events_.empty() && timeout > 0) virtual_now_ = deadline;
  } else {
    network_->select(timeout < 0 ? -1 : real_wait_ns(timeout), io_events_);
  }
  selector_->process_events(*this, io_events_);
}

void EventLoop::run_once() {
  ++iterations_;
  int64_t deadline = 0;
  bool have_timer = next_timer_deadline(deadline);
  if (max_spin && mode_ == ClockMode::Virtual) count_spin(have_timer, deadline);
  if (network_) {
    io_phase(have_timer, deadline);
  } else if (ready_.empty() && !stopping_ && have_timer) {
    int64_t timeout = deadline > now() ? deadline - now() : 0;  // no overflow: now() >= 0
    if (timeout > 0) {
      if (mode_ == ClockMode::Virtual) virtual_now_ = deadline;
      else wait_real(timeout);
    }
  } else if (mode_ == ClockMode::Real && !ready_.empty()) {
    event_base_loop(base_, EVLOOP_NONBLOCK);  // poll for signals
  }
  if (interp_.tracer()) interp_.trace(TraceKind::Iteration, nullptr);

  // Timers whose deadline has come join the ready queue.
  int64_t end = now();
  timers_.pop_due(end, [this](TimerQueue::Entry e) {
    if (e.obj->okind == ObjKind::Handle) call_handle_soon(Ref<HandleObj>(static_cast<HandleObj*>(e.obj.get())));
    else {
      static_cast<TaskObj*>(e.obj.get())->fire_queued = true;
      ready_.push_back(Ready{sleep_timer_fired, std::move(e.obj), Ref<Object>()});
    }
  });

  // Only what was ready when the iteration began runs now.
  size_t ntodo = ready_.size();
  for (size_t i = 0; i < ntodo; ++i) {
    Ready r = std::move(ready_.front());
    ready_.pop_front();
    if (r.fn == run_handle && r.a.as<HandleObj>()->cancelled) continue;
    ++callbacks_run_;
    Value a = Value::adopt(r.a.release()), b = Value::adopt(r.b.release());
    if (interp_.tracer()) {
      traced_callback(r.fn, a, b);
      continue;
    }
    if (!debug_) {
      r.fn(interp_, a, b);
      continue;
    }
    // Debug mode: report callbacks that held the loop for 0.1 s or more.
    int64_t t0 = now();
    r.fn(interp_, a, b);
    int64_t dt = now() - t0;
    if (dt >= 100'000'000) {
      if (r.fn == run_handle) interp_.report_slow_callback(a.as<HandleObj>()->fn, a.as<HandleObj>()->a, dt);
      else interp_.report_slow_callback(r.fn, a, dt);
    }
  }
}

// A ready callback while tracing: the trace learns what runs and on whose
// behalf (Interp::trace_callback_begin); debug mode's report is kept.
void EventLoop::traced_callback(Callback fn, const Value& a, const Value& b) {
  interp_.trace_callback_begin(fn, a, b);
  int64_t t0 = now();
  fn(interp_, a, b);
  interp_.trace_callback_end();
  int64_t dt = now() - t0;
  if (debug_ && dt >= 100'000'000) {
    if (fn == run_handle) interp_.report_slow_callback(a.as<HandleObj>()->fn, a.as<HandleObj>()->a, dt);
    else interp_.report_slow_callback(fn, a, dt);
  }
}

void EventLoop::count_spin(bool have_timer, int64_t deadline) {
  bool held = !ready_.empty() && have_timer && deadline != kNever && virtual_now_ == spin_clock_;
  spin_ = held ? spin_ + 1 : 0;
  spin_clock_ = virtual_now_;
  if (spin_ > max_spin) spin_hit_ = true;
}

void EventLoop::run_handle(Interp& in, const Value& handle, const Value&) {
  HandleObj* h = handle.as<HandleObj>();
  in.loops().handle = handle;  // Handle._run reports itself when its callback raises
  h->fn(in, h->a, h->b);
  in.loops().handle = Value();
}

bool EventLoop::run_forever() {
  while (true) {
    if (g_interrupted) interp_.on_interrupt();
    if (ready_.empty() && !stopping_) {
      int64_t when;
      // Nothing ready, no timer that can fire, and no socket that can ever
      // become ready: CPython would block forever. (On the virtual network
      // only what the program does moves data, so a socket that is not
      // ready now never will be.)
      if ((!next_timer_deadline(when) || when == kNever) && !(network_ && network_->can_become_ready())) {
        if (mode_ == ClockMode::Real && g_interrupted) continue;
        return false;
      }
    }
    run_once();
    if (max_callbacks && callbacks_run_ > max_callbacks) {
      limit_hit_ = true;
      return false;
    }
    if (spin_hit_) return false;
    if (stopping_) break;
  }
  stopping_ = false;
  return true;
}

}  // namespace corun
