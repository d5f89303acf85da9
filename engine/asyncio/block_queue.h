// A FIFO queue in fixed blocks: the ready queue pushes and pops millions of
// entries. std::deque's small chunks showed in profiles, and one growable
// ring keeps its peak size forever; blocks are handed back as they drain,
// so a million task starts leave no memory behind once they have run.
#pragma once

#include <cstddef>
#include <new>
#include <utility>

namespace corun {

template <class T, size_t kBlock = 1024>
class BlockQueue {
 public:
  BlockQueue() = default;
  BlockQueue(const BlockQueue&) = delete;
  BlockQueue& operator=(const BlockQueue&) = delete;
  ~BlockQueue() {
    clear();
    delete head_;  // an emptied queue keeps its last block (head_ == tail_)
    delete spare_;
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  T& front() { return head_->at(head_pos_); }

  void push_back(T v) {
    if (!tail_ || tail_pos_ == kBlock) append_block();
    new (&tail_->at(tail_pos_)) T(std::move(v));
    ++tail_pos_;
    ++size_;
  }

  void pop_front() {
    head_->at(head_pos_).~T();
    ++head_pos_;
    --size_;
    if (head_pos_ == kBlock || size_ == 0) drop_head_if_drained();
  }

  void clear() {
    while (size_) pop_front();
  }

 private:
  struct Block {
    alignas(T) unsigned char bytes[kBlock * sizeof(T)];
    Block* next = nullptr;
    T& at(size_t i) { return *std::launder(reinterpret_cast<T*>(bytes + i * sizeof(T))); }
  };

  void append_block() {
    Block* b = spare_ ? spare_ : new Block;
    spare_ = nullptr;
    b->next = nullptr;
    if (tail_) tail_->next = b;
    else head_ = b;
    tail_ = b;
    tail_pos_ = 0;
  }

  // The head block is used up, or the queue is empty (then head_ is
  // tail_, and that block starts over). One used-up block is kept as a
  // spare for the steady state; the rest are freed.
  void drop_head_if_drained() {
    if (size_ == 0) {
      head_pos_ = tail_pos_ = 0;
      return;
    }
    Block* old = head_;
    head_ = old->next;
    head_pos_ = 0;
    if (spare_) delete old;
    else spare_ = old;
  }

  Block* head_ = nullptr;
  Block* tail_ = nullptr;
  size_t head_pos_ = 0;  // next entry to pop, in head_
  size_t tail_pos_ = 0;  // next free entry, in tail_
  size_t size_ = 0;
  Block* spare_ = nullptr;
};

}  // namespace corun
