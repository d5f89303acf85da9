// A FIFO queue on one growable ring buffer: the ready queue pushes and pops
// millions of entries, and std::deque's chunk allocation showed in profiles.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace corun {

template <class T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  T& front() { return buf_[head_]; }
  void push_back(T v) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = std::move(v);
    ++size_;
  }
  void pop_front() {
    buf_[head_] = T();  // release what the entry holds now
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
  }
  void clear() {
    buf_.clear();
    head_ = size_ = 0;
  }

 private:
  void grow() {
    std::vector<T> bigger(buf_.empty() ? 64 : buf_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = std::move(buf_[(head_ + i) & (buf_.size() - 1)]);
    buf_ = std::move(bigger);
    head_ = 0;
  }
  std::vector<T> buf_;  // capacity is a power of two
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace corun
