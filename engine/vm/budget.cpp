// The run's budget of work and memory (see budget.h), and the counting
// allocator behind the memory half.
#include "engine/vm/budget.h"
#include "engine/python/value.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

namespace corun {

thread_local constinit Budget g_budget;
thread_local constinit int64_t g_live_objects[kCountedKinds] = {};

namespace {

// malloc's own figure for a block, so that counting in and out agree exactly.
inline void count_in(void* p) {
  Budget& b = g_budget;
  b.mem_in_use += int64_t(malloc_usable_size(p));
  if (b.mem_in_use > b.mem_limit) note_over_limit();
}
inline void count_out(void* p) { g_budget.mem_in_use -= int64_t(malloc_usable_size(p)); }

// A block this big that would cross the limit is refused before it is made,
// so the process never holds more than the limit plus small blocks.
constexpr size_t kLargeRequest = size_t(1) << 20;

void* counted_new(size_t n) {
  if (n >= kLargeRequest && g_budget.mem_in_use + int64_t(n) > g_budget.mem_limit) throw std::bad_alloc();
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  count_in(p);
  return p;
}

void counted_delete(void* p) {
  if (!p) return;
  count_out(p);
  std::free(p);
}

// ObjKind order (engine/python/value.h), in the plural, for the report.
const char* const kKindNames[] = {
    "strings",   "lists",          "tuples",   "dicts",     "ranges",     "classes", "exceptions", "builtins",
    "functions", "coroutines",     "futures",  "tasks",     "modules",    "bound methods", "instances", "iterators",
    "handles",   "loops",          "anext awaitables", "big ints", "deques", "sets", "dict views", "bytes objects", "other objects"};

static_assert(sizeof kKindNames / sizeof kKindNames[0] == size_t(ObjKind::Misc) + 1,
              "one plural name per ObjKind, in its order");
static_assert(size_t(ObjKind::Misc) < kCountedKinds, "g_live_objects has a slot per ObjKind");

std::string with_commas(int64_t n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

}  // namespace

void note_over_limit() {
  Budget& b = g_budget;
  if (b.mem_over) return;
  // Not an error here: the allocation may be inside any library code. The
  // interpreter sees the flag at its next instruction (busy_limit 0).
  b.mem_over = true;
  b.busy_limit = 0;
}

void note_malloc(void* p) { if (p) count_in(p); }
void note_free(void* p) { if (p) count_out(p); }

void reserve(size_t bytes) {
  const Budget& b = g_budget;
  // In 128 bits: a request near INT64_MAX must not wrap the sum past the limit.
  if (bytes > size_t(INT64_MAX) || __int128(b.mem_in_use) + __int128(bytes) > __int128(b.mem_limit)) throw std::bad_alloc();
}

size_t checked_mul(size_t a, size_t b) {
  size_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw std::bad_alloc();
  return r;
}

size_t checked_add(size_t a, size_t b) {
  size_t r;
  if (__builtin_add_overflow(a, b, &r)) throw std::bad_alloc();
  return r;
}

void budget_start_run(uint64_t max_busy, int64_t max_memory) {
  Budget& b = g_budget;
  b.max_busy = max_busy;
  b.mem_limit = max_memory;
  b.mem_over = b.mem_in_use > b.mem_limit;
  b.stop_pending = false;
  budget_new_step();
}

void budget_end_run() {
  Budget& b = g_budget;
  b.busy = 0;
  b.busy_limit = b.max_busy = ~0ull;
  b.stop_pending = false;
  b.mem_limit = INT64_MAX;
  b.mem_over = false;
}

std::string memory_report() {
  std::vector<std::pair<int64_t, size_t>> kinds;
  constexpr size_t n = sizeof kKindNames / sizeof kKindNames[0];
  for (size_t k = 0; k < n; ++k)
    if (g_live_objects[k] > 0) kinds.emplace_back(g_live_objects[k], k);
  std::sort(kinds.begin(), kinds.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::string out;
  // The kinds that grew: the most numerous, and any within a tenth of it.
  for (size_t i = 0; i < kinds.size() && i < 3 && kinds[i].first * 10 >= kinds[0].first; ++i) {
    if (i) out += ", ";
    out += with_commas(kinds[i].first) + " " + kKindNames[kinds[i].second];
  }
  return out.empty() ? "no objects" : out + " alive";
}

}  // namespace corun

// Every allocation of the process is counted (budget.h). Replacing the global
// operators is the standard way to see them all, the standard containers
// inside the engine and its libraries included.
void* operator new(size_t n) { return corun::counted_new(n); }
void* operator new[](size_t n) { return corun::counted_new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try { return corun::counted_new(n); } catch (...) { return nullptr; }
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  try { return corun::counted_new(n); } catch (...) { return nullptr; }
}
void operator delete(void* p) noexcept { corun::counted_delete(p); }
void operator delete[](void* p) noexcept { corun::counted_delete(p); }
void operator delete(void* p, size_t) noexcept { corun::counted_delete(p); }
void operator delete[](void* p, size_t) noexcept { corun::counted_delete(p); }
