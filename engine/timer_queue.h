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

#include "engine/objects.h"

namespace corun {

class TimerQueue {
 public:
  void push(Ref<HandleObj> h);
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
  struct Bucket {
    std::vector<Ref<HandleObj>> handles;
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
      Ref<HandleObj> h = std::move(b.handles[b.head++]);
      --live_;
      h->scheduled = false;
      if (h->cancelled) {
        if (cancelled_) --cancelled_;
        continue;
      }
      take(std::move(h));
    }
    pop_bucket();
  }
}

}  // namespace corun
