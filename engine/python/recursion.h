// Bounded native recursion on runtime data. repr, str, ==, <, hash,
// isinstance and except* recurse in C++ over the values they are given, and
// a list nested 300,000 deep would overflow the C++ stack. CPython bounds
// the same recursion with Py_EnterRecursiveCall and raises RecursionError;
// corun does the same with one counter per thread, shared by every such
// function as CPython's is.
#pragma once

#include <string>

namespace corun {

// CPython's limit is 1000 frames, counted from the Python frames below
// (asyncio.run, the harness and main use 17): in a scenario's main, a list
// nested 982 deep is the first that repr() refuses in both.
inline constexpr int kMaxNativeDepth = 982;
inline constinit thread_local int g_native_depth = 0;

// Raises RecursionError("maximum recursion depth exceeded" + where).
[[noreturn]] void native_recursion_overflow(const char* where);

// One level of native recursion, for the scope of the object.
class NativeRecursion {
 public:
  // `where` ends CPython's message: " in comparison", " while getting the repr of an object".
  // `slack` moves the limit by the levels CPython's own path spends fewer
  // than list repr does (measured: 1 for comparison and isinstance), so that the
  // first refused depth is CPython's (exception repr is still one off).
  explicit NativeRecursion(const char* where, int slack = 0) {
    if (++g_native_depth > kMaxNativeDepth + slack) native_recursion_overflow(where);
  }
  ~NativeRecursion() { --g_native_depth; }
  NativeRecursion(const NativeRecursion&) = delete;
  NativeRecursion& operator=(const NativeRecursion&) = delete;
};

class Interp;
class Value;

// repr(v) for corun's own reports (trace details, timeline task names): a
// repr that raises (RecursionError on deep data) gives a placeholder, so
// that a report never turns into an exception where the program has none.
std::string repr_for_report(Interp& in, const Value& v);

}  // namespace corun
