// Modules/_heapqmodule.c (3.11): heappush, heappop and the two sifts they
// use, function for function (see heapq.h for the invariants).
#include "engine/python/heapq.h"

#include "engine/python/builtins.h"
#include "engine/vm/budget.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// PyObject_RichCompareBool(a, b, Py_LT): charged as the Python-level work
// it is (a user's __lt__ may run).
bool less(Interp& in, const Value& a, const Value& b) {
  charge_step();
  return in.compare(CmpOp::Lt, a, b);
}

[[noreturn]] void changed_size(Interp& in) { in.raise(in.builtins().RuntimeError, "list changed size during iteration"); }

// siftdown(heap, startpos, pos): follow the path to the root, moving
// parents down until finding a place newitem fits.
void siftdown(Interp& in, ListObj* heap, size_t startpos, size_t pos) {
  size_t size = heap->items.size();
  if (pos >= size) in.raise(in.builtins().IndexError, "list index out of range");
  while (pos > startpos) {
    size_t parentpos = (pos - 1) >> 1;
    // Both held for the comparison (Py_INCREF in CPython): an __lt__ may
    // take them out of the list.
    Value newitem = heap->items[pos];
    Value parent = heap->items[parentpos];
    bool cmp = less(in, newitem, parent);
    if (size != heap->items.size()) changed_size(in);
    if (!cmp) break;
    std::swap(heap->items[parentpos], heap->items[pos]);
    pos = parentpos;
  }
}

// siftup(heap, pos): bubble the smaller child up until hitting a leaf,
// then bubble the item at pos to its final place (siftdown).
void siftup(Interp& in, ListObj* heap, size_t pos) {
  size_t endpos = heap->items.size();
  size_t startpos = pos;
  if (pos >= endpos) in.raise(in.builtins().IndexError, "list index out of range");
  size_t limit = endpos >> 1;  // smallest pos that has no child
  while (pos < limit) {
    // Set childpos to index of smaller child.
    size_t childpos = 2 * pos + 1;  // leftmost child position
    if (childpos + 1 < endpos) {
      Value a = heap->items[childpos];
      Value b = heap->items[childpos + 1];
      bool cmp = less(in, a, b);
      childpos += cmp ? 0 : 1;  // increment when cmp == 0
      if (endpos != heap->items.size()) changed_size(in);
    }
    // Move the smaller child up.
    std::swap(heap->items[childpos], heap->items[pos]);
    pos = childpos;
  }
  siftdown(in, heap, startpos, pos);
}

}  // namespace

// _heapq_heappush_impl
void heappush(Interp& in, const Value& heap, Value item) {
  if (!heap.is(ObjKind::List))
    in.raise(in.builtins().TypeError, "heappush() argument 1 must be list, not " + in.type_of(heap)->name);
  Value keep = heap;  // an __lt__ may drop the caller's reference
  ListObj* list = heap.as<ListObj>();
  list->items.push_back(std::move(item));
  siftdown(in, list, 0, list->items.size() - 1);
}

// heappop_internal(heap, siftup)
Value heappop(Interp& in, const Value& heap) {
  if (!heap.is(ObjKind::List))
    in.raise(in.builtins().TypeError, "heappop() argument must be list, not " + in.type_of(heap)->name);
  Value keep = heap;  // an __lt__ may drop the caller's reference
  ListObj* list = heap.as<ListObj>();
  // raises IndexError if the heap is empty
  if (list->items.empty()) in.raise(in.builtins().IndexError, "index out of range");
  Value lastelt = std::move(list->items.back());
  list->items.pop_back();
  if (list->items.empty()) return lastelt;
  Value returnitem = std::move(list->items[0]);
  list->items[0] = std::move(lastelt);
  siftup(in, list, 0);
  return returnitem;
}

}  // namespace corun
