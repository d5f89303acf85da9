// Allocation and freeing of Objects.
//
// Allocation: size-segregated free lists. A run creates and frees millions
// of small objects of a few sizes (tasks, coroutines, futures, timer
// handles); recycling them by size keeps malloc out of the hot path. Taking
// a block from a list and giving it back are inline (value.h); this file
// cuts new blocks from 64 KiB chunks when a list is empty.
//
// Freeing: bounded, whatever the data (destroy_object below).
#include <malloc.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "engine/vm/budget.h"
#include "engine/vm/interp.h"
#include "engine/python/value.h"

namespace corun {

thread_local constinit PoolFreeLists g_pool;

namespace {

constexpr size_t kGranule = PoolFreeLists::kGranule;
constexpr size_t kMaxPooled = PoolFreeLists::kMaxPooled;
constexpr size_t kChunk = 64 * 1024;

// Where new blocks are cut from, and the chunks this thread allocated
// (freed when the thread ends; the free lists in g_pool point into them).
struct Chunks {
  char* cursor = nullptr;
  char* end = nullptr;
  std::vector<void*> chunks;
  // A chunk is not counted as such: each block counts while an object holds
  // it (note_pool_take/give), so pooled, unused memory is nobody's.
  ~Chunks() {
    for (void* c : chunks) std::free(c);
    g_pool = PoolFreeLists{};
  }
  void* cut(size_t cls) {
    size_t bytes = cls * kGranule;
    if (size_t(end - cursor) < bytes) {
      cursor = static_cast<char*>(std::malloc(kChunk));
      if (!cursor) throw std::bad_alloc();
      chunks.push_back(cursor);
      end = cursor + kChunk;
    }
    void* p = cursor;
    cursor += bytes;
    note_pool_take(bytes);
    return p;
  }
};

// One pool per thread: the engine is single-threaded per run, and unit tests
// may run interpreters on several threads.
Chunks& chunks() {
  static thread_local Chunks c;
  return c;
}

// glibc raises its mmap threshold each time a large block is freed; from
// then on large vectors (a million-entry list, the task registry) come from
// the heap, whose freed space it keeps. A fixed threshold keeps them mapped
// and returned when freed, which lowers the peak of a big fan-out.
[[maybe_unused]] const bool g_fixed_mmap_threshold = mallopt(M_MMAP_THRESHOLD, 128 * 1024) != 0;

}  // namespace

// The free list of n's class is empty (pool_alloc, value.h), or n is too big for the pool.
void* pool_alloc_slow(size_t n) {
  if (n > kMaxPooled) {
    void* p = std::malloc(n);
    if (!p) throw std::bad_alloc();
    note_malloc(p);
    return p;
  }
  return chunks().cut((n + kGranule - 1) / kGranule);
}

void pool_free_slow(void* p, size_t n) {
  if (!p) return;
  note_free(p);
  std::free(p);
}

// ---- Destruction -------------------------------------------------------------------
// Freeing an object frees what it holds, which frees what that holds: a
// list nested 300,000 deep, an exception chain, a coroutine whose frame
// holds a coroutine... would recurse as deep in C++ destructors and
// overflow the stack. As CPython's trashcan (Py_TRASHCAN_BEGIN) does, a
// destruction nested more than kMaxNestedDestroy deep is deferred to a list
// that the outermost destruction drains, one object at a time: the stack
// stays bounded and every object is still freed before the outermost
// destroy_object returns. The common case (nothing nested deep) costs one
// thread-local counter.
namespace {

constexpr int kMaxNestedDestroy = 50;  // CPython's _PyTrash_UNWIND_LEVEL

// Trivially destructible, so that thread-local access needs no guard.
struct Trashcan {
  int depth = 0;               // destructions in progress on this thread
  Object** deferred = nullptr;  // stack of objects to free (malloc'd; only deep data needs it)
  size_t size = 0, capacity = 0;
};
constinit thread_local Trashcan g_trashcan;

// Returns false when the list cannot grow (out of memory): the caller then
// frees the object at once, deeper on the stack, rather than leak or abort.
bool defer_destruction(Trashcan& t, Object* o) {
  if (t.size == t.capacity) {
    size_t grown = t.capacity ? t.capacity * 2 : 256;
    auto* more = static_cast<Object**>(std::realloc(t.deferred, grown * sizeof(Object*)));
    if (!more) return false;
    t.deferred = more;
    t.capacity = grown;
  }
  t.deferred[t.size++] = o;
  return true;
}

// `delete o`, but for a coroutine made with its frame's slots in its own
// block (CoroObj::make), whose size the class's sized delete does not know.
void free_object(Object* o) {
  if (o->okind == ObjKind::Coroutine && static_cast<CoroObj*>(o)->slots_inline) {
    size_t bytes = static_cast<CoroObj*>(o)->alloc_bytes();
    o->~Object();
    pool_free(o, bytes);
    return;
  }
  delete o;
}

// At depth 1 (the outermost destruction): frees what was deferred, and
// what freeing it defers in turn, then gives the list's memory back.
[[gnu::noinline]] void drain_deferred(Trashcan& t) {
  while (t.size) free_object(t.deferred[--t.size]);
  std::free(t.deferred);
  t.deferred = nullptr;
  t.capacity = 0;
}

}  // namespace

// The last reference is gone. Like CPython's __del__, a future whose
// exception nobody retrieved reports it first; the object is pinned while it
// does, so that reporting (which may take references) cannot free it twice.
void destroy_object(Object* o) {
  if ((o->okind == ObjKind::Future || o->okind == ObjKind::Task) && static_cast<FutureObj*>(o)->log_traceback) {
    if (Interp* in = current_interp()) {
      o->refs = 1;
      static_cast<FutureObj*>(o)->log_traceback = false;
      try {
        in->report_unretrieved(static_cast<FutureObj*>(o));
      } catch (PyException& e) {
        // The report itself raised (the repr of deep data): what CPython
        // prints when its exception handler fails, and the run goes on.
        in->write_err("Exception in default exception handler\n");
        in->print_traceback(e.exc);
      } catch (RunAborted& a) {
        in->defer_abort(std::move(a));  // a guard tripped in a custom handler: nothing may be thrown here
      } catch (const std::bad_alloc&) {
        in->defer_abort(RunAborted{3, "runaway scenario: out of memory in an exception handler (the limit is --max-memory)"});
      } catch (BusyExceeded&) {
        in->defer_abort(RunAborted{3, "runaway scenario: an exception handler ran " + std::to_string(g_budget.max_busy) +
                                          " instructions of work without returning (raise the limit with --max-busy)"});
      }
      if (--o->refs != 0) return;  // resurrected: someone kept it
    }
  }
  // A generator left unfinished is closed (async ones through the loop's
  // finalizer hook), as CPython's _PyGen_Finalize does; pinned meanwhile.
  if (o->okind == ObjKind::Coroutine) {
    auto* g = static_cast<CoroObj*>(o);
    if (!g->finalized && (g->frame.code->is_generator ? g->state == CoroObj::State::Suspended : g->hooks_inited)) {
      if (Interp* in = current_interp()) {
        o->refs = 1;
        in->finalize_generator(g);
        if (--o->refs != 0) return;  // resurrected: its aclose() holds it
      }
    }
  }
  Trashcan& t = g_trashcan;
  if (t.depth >= kMaxNestedDestroy && defer_destruction(t, o)) return;
  ++t.depth;
  free_object(o);
  if (t.depth == 1 && t.size) drain_deferred(t);
  --t.depth;
}

}  // namespace corun
