// The floor's asyncio primitives: Queue, Lock, Event, Semaphore, wait_for,
// timeout and TaskGroup, ported from CPython 3.11's queues.py, locks.py,
// tasks.py, timeouts.py and taskgroups.py onto loop.h.
//
// Each keeps CPython's algorithm, so that the wake-ups come in CPython's
// order: the waiters are futures in a deque, woken by set_result and
// resumed through the loop one iteration later; a cancelled waiter is
// removed and, where CPython does, passes its turn on. A waiter's future
// lives in the waiting coroutine's frame: the deque gives it up (popped by
// the waker, or removed by the waiter) before the frame resumes, and its
// only callback is the waiting task's wakeup. wait_for's and
// _cancel_and_wait's waiters also get callbacks from the inner task, so they
// are on the heap and deleted behind the callbacks already scheduled.
//
// Only what the bench workloads use is ported (no timeout <= 0 path in
// wait_for, no reschedule(), no base errors in TaskGroup); messages and
// reprs do not exist here.
#pragma once

#include <algorithm>
#include <unordered_set>

#include "bench/floor/loop.h"

namespace floorloop {

using Waiters = std::deque<Future*>;

inline void remove_waiter(Waiters& w, Future* f) {
  auto it = std::find(w.begin(), w.end(), f);
  if (it != w.end()) w.erase(it);
}

// queues.Queue (items are int64)
struct Queue {
  int64_t maxsize;
  std::deque<int64_t> items;
  Waiters getters, putters;
  explicit Queue(int64_t m = 0) : maxsize(m) {}

  bool empty() const { return items.empty(); }
  bool full() const { return maxsize > 0 && int64_t(items.size()) >= maxsize; }
  static void wakeup_next(Waiters& w) {
    while (!w.empty()) {
      Future* f = w.front();
      w.pop_front();
      if (!f->done()) {
        f->set_result(0);
        break;
      }
    }
  }
  void put_nowait(int64_t item) {
    if (full()) std::abort();  // QueueFull
    items.push_back(item);
    wakeup_next(getters);
  }
  int64_t get_nowait() {
    if (empty()) std::abort();  // QueueEmpty
    int64_t item = items.front();
    items.pop_front();
    wakeup_next(putters);
    return item;
  }
};

inline Co queue_put(Queue* q, int64_t item) {
  while (q->full()) {
    Future putter;
    q->putters.push_back(&putter);
    Result r = co_await putter;
    if (!r.ok()) {
      putter.cancel_future();  // just in case putter is not done yet
      remove_waiter(q->putters, &putter);
      if (!q->full() && !putter.cancelled()) Queue::wakeup_next(q->putters);
      co_return r;
    }
  }
  q->put_nowait(item);
  co_return 0;
}

inline Co queue_get(Queue* q) {
  while (q->empty()) {
    Future getter;
    q->getters.push_back(&getter);
    Result r = co_await getter;
    if (!r.ok()) {
      getter.cancel_future();
      remove_waiter(q->getters, &getter);
      if (!q->empty() && !getter.cancelled()) Queue::wakeup_next(q->getters);
      co_return r;
    }
  }
  co_return q->get_nowait();
}

// locks.Lock
struct Lock {
  Waiters waiters;
  bool locked = false;
  void wake_up_first() {
    if (!waiters.empty() && !waiters.front()->done()) waiters.front()->set_result(1);
  }
  void release() {
    if (!locked) std::abort();  // RuntimeError: Lock is not acquired.
    locked = false;
    wake_up_first();
  }
};

inline Co lock_acquire(Lock* l) {
  if (!l->locked && std::all_of(l->waiters.begin(), l->waiters.end(),
                                [](Future* w) { return w->cancelled(); })) {
    l->locked = true;
    co_return 1;
  }
  Future fut;
  l->waiters.push_back(&fut);
  Result r = co_await fut;
  remove_waiter(l->waiters, &fut);  // finally
  if (!r.ok()) {
    if (r.exc == Exc::cancelled && !l->locked) l->wake_up_first();
    co_return r;
  }
  l->locked = true;
  co_return 1;
}

// locks.Event
struct Event {
  Waiters waiters;
  bool value = false;
  void set() {
    if (!value) {
      value = true;
      for (Future* f : waiters)
        if (!f->done()) f->set_result(1);
    }
  }
};

inline Co event_wait(Event* e) {
  if (e->value) co_return 1;
  Future fut;
  e->waiters.push_back(&fut);
  Result r = co_await fut;
  remove_waiter(e->waiters, &fut);  // finally
  if (!r.ok()) co_return r;
  co_return 1;
}

// locks.Semaphore
struct Semaphore {
  Waiters waiters;
  int64_t value;
  explicit Semaphore(int64_t v) : value(v) {}
  bool locked() const {
    return value == 0 || std::any_of(waiters.begin(), waiters.end(),
                                     [](Future* w) { return !w->cancelled(); });
  }
  void wake_up_next() {
    for (Future* f : waiters) {
      if (!f->done()) {
        --value;
        f->set_result(1);
        return;
      }
    }
  }
  void release() {
    ++value;
    wake_up_next();
  }
};

inline Co semaphore_acquire(Semaphore* s) {
  if (!s->locked()) {
    --s->value;
    co_return 1;
  }
  Future fut;
  s->waiters.push_back(&fut);
  Result r = co_await fut;
  remove_waiter(s->waiters, &fut);  // finally
  if (!r.ok()) {
    if (r.exc == Exc::cancelled && !fut.cancelled()) {
      ++s->value;
      s->wake_up_next();
    }
    co_return r;
  }
  if (s->value > 0) s->wake_up_next();
  co_return 1;
}

// tasks._release_waiter
inline void release_waiter(void* arg, Future*) {
  auto* w = static_cast<Future*>(arg);
  if (!w->done()) w->set_result(0);
}

// tasks._cancel_and_wait
inline Co cancel_and_wait(Task* fut) {
  auto* waiter = new Future;
  fut->add_done_callback(release_waiter, waiter);
  cancel(fut);
  Result r = co_await *waiter;
  fut->remove_done_callback(release_waiter, waiter);  // finally
  loop.defer_delete(waiter);
  co_return r;
}

// tasks.wait_for(inner, timeout), timeout > 0. The inner task is deleted
// here: it is always done when wait_for returns.
inline Co wait_for(Co inner, double timeout) {
  auto* waiter = new Future;
  Timer* timeout_handle = loop.call_later(timeout, release_waiter, waiter);
  Task* fut = create_task(std::move(inner));
  fut->add_done_callback(release_waiter, waiter);
  Result out;
  Result r = co_await *waiter;
  if (!r.ok()) {  // except CancelledError
    if (fut->done()) {
      out = fut->outcome();
    } else {
      fut->remove_done_callback(release_waiter, waiter);
      Result c = co_await cancel_and_wait(fut);
      out = c.ok() ? r : c;  // raise (the CancelledError, or what the wait raised)
    }
  } else if (fut->done()) {
    out = fut->outcome();
  } else {
    fut->remove_done_callback(release_waiter, waiter);
    Result c = co_await cancel_and_wait(fut);
    if (!c.ok()) {
      out = c;
    } else {
      out = fut->outcome();
      if (out.exc == Exc::cancelled) out = Result::raise(Exc::timeout);
    }
  }
  timeout_handle->cancel();  // finally
  Loop::release(timeout_handle);
  loop.defer_delete(waiter);
  loop.defer_delete(fut);
  co_return out;
}

// timeouts.Timeout: `async with asyncio.timeout(delay)` is
//   Timeout cm(loop.now + delay); cm.enter(); r = co_await body; r = cm.exit(r);
struct Timeout {
  enum State : uint8_t { CREATED, ENTERED, EXPIRING, EXPIRED, EXITED };
  State state = CREATED;
  Timer* handler = nullptr;
  Task* task = nullptr;
  double when;
  int cancelling = 0;
  explicit Timeout(double w) : when(w) {}

  static void on_timeout(void* arg, Future*) {
    auto* cm = static_cast<Timeout*>(arg);
    cm->task->task_cancel();
    cm->state = EXPIRING;
    Loop::release(cm->handler);
    cm->handler = nullptr;
  }
  void enter() {
    task = loop.current;
    state = ENTERED;
    cancelling = task->num_cancels_requested;
    // reschedule(when); when is in the future here
    handler = loop.call_at(when, on_timeout, this);
  }
  Result exit(Result body) {
    if (handler) {
      handler->cancel();
      Loop::release(handler);
      handler = nullptr;
    }
    if (state == EXPIRING) {
      state = EXPIRED;
      if (task->uncancel() <= cancelling && body.exc == Exc::cancelled)
        return Result::raise(Exc::timeout);
    } else if (state == ENTERED) {
      state = EXITED;
    }
    return body;
  }
};

// taskgroups.TaskGroup: `async with TaskGroup() as tg` is
//   TaskGroup tg; tg.enter(); r = body; r = co_await taskgroup_exit(&tg, r);
// A child's error aborts the group and cancels the parent, as in CPython;
// the group then raises Exc::error (the ExceptionGroup).
struct TaskGroup {
  Task* parent = nullptr;
  std::unordered_set<Task*> tasks;
  Future* on_completed_fut = nullptr;
  bool exiting = false, aborting = false, parent_cancel_requested = false;
  size_t errors = 0;

  void enter() { parent = loop.current; }
  Task* create_task(Co co) {
    Task* t = floorloop::create_task(std::move(co));
    t->add_done_callback(on_task_done, this);
    tasks.insert(t);
    return t;
  }
  void abort() {
    aborting = true;
    for (Task* t : tasks)
      if (!t->done()) t->task_cancel();
  }
  static void on_task_done(void* arg, Future* f) {
    auto* tg = static_cast<TaskGroup*>(arg);
    tg->tasks.erase(static_cast<Task*>(f));
    if (tg->on_completed_fut && tg->tasks.empty() && !tg->on_completed_fut->done())
      tg->on_completed_fut->set_result(1);
    if (f->cancelled() || f->exc == Exc::none) return;
    ++tg->errors;
    if (!tg->aborting && !tg->parent_cancel_requested) {
      tg->abort();
      tg->parent_cancel_requested = true;
      tg->parent->task_cancel();
    }
  }
};

inline Co taskgroup_exit(TaskGroup* tg, Result body) {
  tg->exiting = true;
  bool propagate_cancel = body.exc == Exc::cancelled;
  if (tg->parent_cancel_requested && tg->parent->uncancel() == 0) propagate_cancel = false;
  if (!body.ok() && !tg->aborting) tg->abort();
  while (!tg->tasks.empty()) {
    Future done;
    tg->on_completed_fut = &done;
    Result r = co_await done;
    if (r.exc == Exc::cancelled && !tg->aborting) {
      propagate_cancel = true;
      tg->abort();
    }
    tg->on_completed_fut = nullptr;
  }
  if (propagate_cancel && tg->errors == 0) co_return Result::raise(Exc::cancelled);
  if (!body.ok() && body.exc != Exc::cancelled) ++tg->errors;
  if (tg->errors) co_return Result::raise(Exc::error);
  co_return body;
}

}  // namespace floorloop
