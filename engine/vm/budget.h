// What one run may spend: CPU work without awaiting, and memory.
//
// Both guards count in corun's own units, never in seconds or in what the
// operating system reports, so a scenario stops at the same point on every
// machine and every run.
//
// Work. The busy guard (`--max-busy`) counts interpreted instructions since
// the running task last awaited. Native code that does work in proportion to
// its input — a builtin walking a range, a big-integer multiplication, a
// string padded to a width the user chose, an exception unwinding — charges
// that work too, in the same unit (one unit ≈ one interpreted instruction,
// roughly 5-10 ns), *before or while* doing it. So `--max-busy` bounds the CPU
// a task step may take whatever the operation, and a native loop over
// range(10**18) stops as promptly as a `while True`.
//
// Memory. Every heap allocation of the process goes through the counting
// operator new in budget.cpp (malloc's usable size, so the figure is exact
// and the same on every run); the object pool counts its blocks while
// objects hold them (note_pool_take/give), so memory counts what the
// program holds now, whatever earlier runs on the thread left pooled. Two ways out, as on a machine that has only
// `--max-memory` bytes:
//   * a single request the program makes at once — a string or list of a
//     size the user computed, a huge int — is checked before it is made with
//     reserve(); past the limit it raises Python's MemoryError, which the
//     scenario may catch, as CPython raises it when malloc fails;
//   * memory that grows a little at a time (a task bomb, a chain of
//     exceptions) crosses the limit inside operator new; that only raises a
//     flag, and the interpreter stops the run at its next instruction with
//     exit 3, naming the objects that grew (memory_report()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace corun {

// Thrown by charge() when the busy guard trips; the instruction loop turns it
// into the guard's report at the user's line.
struct BusyExceeded {};

struct Budget {
  uint64_t busy = 0;            // work since the running task's step began
  uint64_t busy_limit = ~0ull;  // the step's limit; 0 once memory went over, to stop at the next instruction
  uint64_t max_busy = ~0ull;    // --max-busy
  int64_t mem_in_use = 0;       // bytes malloc handed out and not freed
  int64_t mem_limit = INT64_MAX;
  bool mem_over = false;        // mem_in_use went past mem_limit (the interpreter reports it)
  bool stop_pending = false;    // a guard tripped where nothing could be thrown (Interp::defer_abort)
};

// One per thread: a run is single-threaded, and unit tests run several.
extern thread_local constinit Budget g_budget;

// Work done natively, in instruction units.
inline void charge(uint64_t units) {
  if ((g_budget.busy += units) > g_budget.busy_limit) throw BusyExceeded{};
}

// For loops in native code: charge(1) per item costs an add and a compare.
inline void charge_step() { charge(1); }

// Checks that `bytes` more can be allocated at once; throws std::bad_alloc
// (Python's MemoryError at the instruction boundary) when they cannot.
void reserve(size_t bytes);

// a * b, or std::bad_alloc when the product does not fit (a size that wraps
// would pass every later check).
size_t checked_mul(size_t a, size_t b);
size_t checked_add(size_t a, size_t b);

// Sets the limits for a run and clears the counters of work.
void budget_start_run(uint64_t max_busy, int64_t max_memory);
// The run is over: no limits until the next budget_start_run().
void budget_end_run();
// A new task step: its work starts at zero.
inline void budget_new_step() {
  g_budget.busy = 0;
  g_budget.busy_limit = g_budget.mem_over || g_budget.stop_pending ? 0 : g_budget.max_busy;
}

// Live Objects by kind (ObjKind), counted by Object's constructor and
// destructor, for the report that names what grew.
constexpr size_t kCountedKinds = 32;
extern thread_local constinit int64_t g_live_objects[kCountedKinds];
// What grew, for the exit-3 report: "4,123,456 tasks (about 540 MiB), ...".
std::string memory_report();
// The allocator's accounting, for pool.cpp's own malloc calls.
void note_malloc(void* p);
void note_free(void* p);

// The object pool's (engine/python/value.h): a block counts while an object
// holds it, not while it waits on a free list, so what one run leaves pooled
// is not charged to the next run on the thread (the fuzzer, unit tests).
void note_over_limit();
inline void note_pool_take(size_t bytes) {
  if ((g_budget.mem_in_use += int64_t(bytes)) > g_budget.mem_limit) note_over_limit();
}
inline void note_pool_give(size_t bytes) { g_budget.mem_in_use -= int64_t(bytes); }

}  // namespace corun
