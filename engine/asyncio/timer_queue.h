// The loop's timers, ordered by (deadline, scheduling order) as CPython's
// heap of TimerHandles is -- with ties broken by scheduling order, which the
// spec promises and CPython's heapq does not guarantee.
//
// Timers are grouped by deadline: a heap of distinct deadlines, each with a
// FIFO bucket of handles. On a virtual clock deadlines repeat a lot (a
// thousand tasks sleeping 1 s), so most insertions are an append and the
// heap stays small.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "engine/python/objects.h"

namespace corun {

class TimerQueue {
 public:
  // A queued timer: a TimerHandle, or a task sleeping (see TaskObj::sleep),
  // whose timer is live while the task's token still matches.
  struct Entry {
    Ref<Object> obj;
    uint32_t token = 0;
    bool live() const {
      if (obj->okind == ObjKind::Handle) return !static_cast<HandleObj*>(obj.get())->cancelled;
      auto* t = static_cast<TaskObj*>(obj.get());
      return t->timer_live && t->timer_token == token;
    }
    // It leaves the queue: a cancel from now on is not counted as queued.
    void unqueue() const {
      if (obj->okind == ObjKind::Handle) static_cast<HandleObj*>(obj.get())->scheduled = false;
      else if (live()) static_cast<TaskObj*>(obj.get())->timer_live = false;
    }
  };
  void push(Ref<HandleObj> h);
  void push_sleep(TaskObj* t, int64_t when);  // with t's current token
  // The earliest deadline of a timer still live; cancelled timers at the
  // head are dropped first, so they never move the virtual clock.
  bool next_deadline(int64_t& when);
  // Hands every live timer due by `now` to `take`, in order.
  template <class F>
  void pop_due(int64_t now, F&& take);
  void note_cancelled();
  void clear();
  size_t size() const { return live_; }

 private:
  void push_entry(int64_t when, Entry e);
  struct Bucket {
    std::vector<Entry> handles;
    size_t head = 0;  // handles before head have been popped
  };
  void pop_bucket();
  void compact();

  std::vector<int64_t> deadlines_;  // min-heap of the buckets' deadlines
  std::unordered_map<int64_t, Bucket> buckets_;
  size_t live_ = 0;       // handles in buckets (cancelled ones included)
  size_t cancelled_ = 0;  // cancelled handles still in buckets
};

template <class F>
void TimerQueue::pop_due(int64_t now, F&& take) {
  int64_t when;
  while (next_deadline(when) && when <= now) {
    Bucket& b = buckets_.find(when)->second;
    while (b.head < b.handles.size()) {
      Entry e = std::move(b.handles[b.head++]);
      --live_;
      if (!e.live()) {
        if (cancelled_) --cancelled_;
        continue;
      }
      e.unqueue();
      take(std::move(e));
    }
    pop_bucket();
  }
}

}  // namespace corun
