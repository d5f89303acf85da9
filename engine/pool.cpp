// Allocation for Objects: size-segregated free lists. A run creates and frees
// millions of small objects of a few sizes (tasks, coroutines, futures,
// timer handles); recycling them by size keeps malloc out of the hot path.
#include <malloc.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "engine/budget.h"
#include "engine/value.h"

namespace corun {
namespace {

constexpr size_t kGranule = 8;  // no Object needs more alignment than a pointer
constexpr size_t kMaxPooled = 512;
constexpr size_t kClasses = kMaxPooled / kGranule;
constexpr size_t kChunk = 64 * 1024;

struct FreeNode {
  FreeNode* next;
};

struct Pool {
  FreeNode* free[kClasses + 1] = {};
  char* cursor = nullptr;
  char* end = nullptr;
  std::vector<void*> chunks;
  ~Pool() {
    for (void* c : chunks) { note_free(c); std::free(c); }
  }
  void* take(size_t cls) {
    if (FreeNode* n = free[cls]) {
      free[cls] = n->next;
      return n;
    }
    size_t bytes = cls * kGranule;
    if (size_t(end - cursor) < bytes) {
      cursor = static_cast<char*>(std::malloc(kChunk));
      if (!cursor) throw std::bad_alloc();
      note_malloc(cursor);
      chunks.push_back(cursor);
      end = cursor + kChunk;
    }
    void* p = cursor;
    cursor += bytes;
    return p;
  }
  void give(void* p, size_t cls) {
    auto* n = static_cast<FreeNode*>(p);
    n->next = free[cls];
    free[cls] = n;
  }
};

// One pool per thread: the engine is single-threaded per run, and unit tests
// may run interpreters on several threads.
Pool& pool() {
  static thread_local Pool p;
  return p;
}

// glibc raises its mmap threshold each time a large block is freed; from
// then on large vectors (a million-entry list, the task registry) come from
// the heap, whose freed space it keeps. A fixed threshold keeps them mapped
// and returned when freed, which lowers the peak of a big fan-out.
[[maybe_unused]] const bool g_fixed_mmap_threshold = mallopt(M_MMAP_THRESHOLD, 128 * 1024) != 0;

}  // namespace

void* pool_alloc(size_t n) {
  if (n > kMaxPooled) {
    void* p = std::malloc(n);
    if (!p) throw std::bad_alloc();
    note_malloc(p);
    return p;
  }
  return pool().take((n + kGranule - 1) / kGranule);
}

void pool_free(void* p, size_t n) {
  if (!p) return;
  if (n > kMaxPooled) {
    note_free(p);
    std::free(p);
    return;
  }
  pool().give(p, (n + kGranule - 1) / kGranule);
}

void* Object::operator new(size_t n) { return pool_alloc(n); }
void Object::operator delete(void* p, size_t n) { pool_free(p, n); }

}  // namespace corun
