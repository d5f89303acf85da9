// Python's builtin namespace as corun provides it: types, exception classes,
// functions, and the modules `asyncio`, `time` and `random`.
#pragma once

#include <string>
#include <vector>

#include "engine/python/objects.h"

namespace corun {

// Names an expression may use without defining them. Compile-time name
// resolution uses this list; the index of a name is its builtin slot.
const std::vector<std::string>& builtin_names();
int builtin_index(std::string_view name);

// CPython's TypeError for a native function called with a number of
// positional arguments outside [lo, hi]: "f() takes 1 to 2 positional
// arguments but 3 were given".
void arity(Interp& in, const char* fn, CallArgs& a, size_t lo, size_t hi);

// The code point at s[i] (corun's strs are UTF-8, surrogates as 3-byte
// forms); advances i past it.
uint32_t take_code_point(const std::string& s, size_t& i);

// ascii(x): repr(x) with every non-ASCII character escaped.
std::string ascii_of(Interp& in, const Value& x);

// ceval.c's format_missing: "f() missing 2 required positional arguments:
// 'a' and 'b'" for the parameters `names` (unquoted) that got no value.
std::string missing_positional_message(const std::string& fn, const std::vector<std::string>& names);

// callable(x): functions, builtins, bound methods, classes, and instances
// (exceptions among them) whose class has __call__.
bool is_callable(Interp& in, const Value& x);

struct Builtins {
  // Types of plain values.
  TypeObj *object, *type, *none, *int_, *float_, *str, *bytes, *bool_, *list, *tuple, *dict, *range, *deque, *set, *frozenset;
  TypeObj *dict_keys, *dict_values, *dict_items;
  // collections' dict subclasses (engine/python/collections_module.cpp) and OrderedDict's views.
  TypeObj *defaultdict, *Counter, *OrderedDict, *odict_keys, *odict_values, *odict_items;
  TypeObj *function, *builtin_function, *coroutine, *async_generator, *module, *future, *task, *method, *iterator, *handle, *generator;
  TypeObj *map, *filter, *zip;  // map(f, *iterables), filter(f, iterable), zip(*iterables): lazy IteratorObjs
  TypeObj *agen_asend, *agen_athrow;  // engine/vm/generators.cpp
  // Exception classes.
  TypeObj *BaseException, *Exception, *ArithmeticError, *ZeroDivisionError, *OverflowError, *LookupError,
      *KeyError, *IndexError, *ValueError, *TypeError, *RuntimeError, *RecursionError, *NotImplementedError,
      *NameError, *UnboundLocalError, *AttributeError, *AssertionError, *StopIteration, *StopAsyncIteration,
      *OSError, *ConnectionError, *ConnectionRefusedError, *ConnectionResetError, *TimeoutError,
      *BlockingIOError, *BrokenPipeError, *ConnectionAbortedError, *PermissionError, *ChildProcessError,
      *FileExistsError, *FileNotFoundError, *IsADirectoryError, *NotADirectoryError, *InterruptedError,
      *ProcessLookupError, *EOFError,
      *KeyboardInterrupt, *SystemExit, *GeneratorExit, *CancelledError, *InvalidStateError, *BrokenBarrierError,
      *BaseExceptionGroup, *ExceptionGroup, *QueueEmpty, *QueueFull, *MemoryError;
  TypeObj *UnicodeError, *UnicodeDecodeError, *UnicodeEncodeError;  // engine/python/bytes.cpp's codecs
  TypeObj *gaierror, *herror;  // socket's own OSErrors (the module: engine/asyncio/sockets.cpp)
  TypeObj *UnicodeTranslateError, *ImportError, *ModuleNotFoundError, *SyntaxError, *IndentationError, *TabError,
      *SystemError, *ReferenceError, *BufferError, *FloatingPointError;
  // The Warning family (nothing warns with them yet: they are classes to raise and catch).
  TypeObj *Warning, *UserWarning, *DeprecationWarning, *PendingDeprecationWarning, *SyntaxWarning, *RuntimeWarning,
      *FutureWarning, *ImportWarning, *UnicodeWarning, *BytesWarning, *ResourceWarning, *EncodingWarning;
  std::vector<Value> values;  // parallel to builtin_names()
  std::vector<Value> owned;   // keeps every type alive for the run

  explicit Builtins(Interp& interp);
  ~Builtins();
};

}  // namespace corun
