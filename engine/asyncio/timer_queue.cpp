#include "engine/asyncio/timer_queue.h"

#include <algorithm>
#include <functional>

namespace corun {

void TimerQueue::push(Ref<HandleObj> h) {
  h->scheduled = true;
  int64_t when = h->when;
  push_entry(when, Entry{Ref<Object>(h.get()), 0});
}

void TimerQueue::push_sleep(TaskObj* t, int64_t when) {
  t->timer_live = true;
  push_entry(when, Entry{Ref<Object>(t), t->timer_token});
}

void TimerQueue::push_entry(int64_t when, Entry e) {
  auto [it, inserted] = buckets_.try_emplace(when);
  if (inserted) {
    deadlines_.push_back(when);
    std::push_heap(deadlines_.begin(), deadlines_.end(), std::greater<int64_t>());
  }
  it->second.handles.push_back(std::move(e));
  ++live_;
}

void TimerQueue::note_cancelled() {
  ++cancelled_;
  // CPython rebuilds its heap when most timers are cancelled; so do we.
  if (live_ > 100 && cancelled_ * 2 > live_) compact();
}

void TimerQueue::pop_bucket() {
  buckets_.erase(deadlines_.front());
  std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<int64_t>());
  deadlines_.pop_back();
}

bool TimerQueue::next_deadline(int64_t& when) {
  while (!deadlines_.empty()) {
    Bucket& b = buckets_.find(deadlines_.front())->second;
    while (b.head < b.handles.size() && !b.handles[b.head].live()) {
      b.handles[b.head].unqueue();
      b.handles[b.head++].obj.reset();
      --live_;
      if (cancelled_) --cancelled_;
    }
    if (b.head < b.handles.size()) {
      when = deadlines_.front();
      return true;
    }
    pop_bucket();
  }
  return false;
}

void TimerQueue::compact() {
  deadlines_.clear();
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Bucket& b = it->second;
    std::vector<Entry> kept;
    for (size_t i = b.head; i < b.handles.size(); ++i) {
      if (!b.handles[i].live()) b.handles[i].unqueue();
      else kept.push_back(std::move(b.handles[i]));
    }
    if (kept.empty()) {
      it = buckets_.erase(it);
      continue;
    }
    b.handles = std::move(kept);
    b.head = 0;
    deadlines_.push_back(it->first);
    ++it;
  }
  std::make_heap(deadlines_.begin(), deadlines_.end(), std::greater<int64_t>());
  live_ = 0;
  for (auto& [w, b] : buckets_) live_ += b.handles.size();
  cancelled_ = 0;
}

void TimerQueue::clear() {
  deadlines_.clear();
  buckets_.clear();
  live_ = cancelled_ = 0;
}

}  // namespace corun
