// The floor's allocator: size-class free lists, as a hand-written runtime
// would recycle its coroutine frames and task objects instead of paying
// malloc for each (corun pools its objects too).
//
// Blocks are multiples of 16 bytes up to 1 KiB, carved from 256 KiB chunks
// and kept on a free list per size when freed; chunks are never returned.
// Bigger requests go to operator new. Single-threaded, like the loop.
#pragma once

#include <cstddef>
#include <new>

namespace floorloop {

class Pool {
 public:
  void* alloc(size_t n) {
    if (n > kMax) return ::operator new(n);
    size_t c = size_class(n);
    if (Free* f = free_[c]) {
      free_[c] = f->next;
      return f;
    }
    size_t size = (c + 1) * kGranule;
    if (left_ < size) {
      cur_ = static_cast<char*>(::operator new(kChunk));
      left_ = kChunk;
    }
    void* p = cur_;
    cur_ += size;
    left_ -= size;
    return p;
  }
  void free(void* p, size_t n) {
    if (n > kMax) {
      ::operator delete(p);
      return;
    }
    size_t c = size_class(n);
    free_[c] = new (p) Free{free_[c]};
  }

 private:
  static constexpr size_t kGranule = 16, kMax = 1024, kChunk = 256 * 1024;
  struct Free {
    Free* next;
  };
  static size_t size_class(size_t n) { return n == 0 ? 0 : (n - 1) / kGranule; }
  Free* free_[kMax / kGranule] = {};
  char* cur_ = nullptr;
  size_t left_ = 0;
};

inline Pool pool;

// Objects of a class deriving from Pooled come from the pool; delete them by
// their own type (the size is the static type's).
struct Pooled {
  static void* operator new(size_t n) { return pool.alloc(n); }
  static void operator delete(void* p, size_t n) { pool.free(p, n); }
};

}  // namespace floorloop
