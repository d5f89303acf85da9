// heapq.heappush and heapq.heappop, as CPython 3.11 runs them: the C
// accelerator Modules/_heapqmodule.c (Lib/heapq.py imports it over its own
// Python versions). asyncio.PriorityQueue keeps its items with these, so the
// order in which equal items come out is exactly CPython's.
//
// Invariants kept from _heapqmodule.c: every comparison is `<` (the item's
// own __lt__, or the builtin order), made in the same order as CPython's;
// a comparison that changes the list's size raises RuntimeError('list
// changed size during iteration'); the list is never read through a pointer
// held across a comparison (an __lt__ may change it).
#pragma once

#include "engine/python/value.h"

namespace corun {

class Interp;

// heappush(heap, item): TypeError('heap argument must be a list') unless
// `heap` is a list.
void heappush(Interp& in, const Value& heap, Value item);
// heappop(heap): IndexError('index out of range') when it is empty.
Value heappop(Interp& in, const Value& heap);

}  // namespace corun
