// OSError and its subclasses as CPython 3.11 makes them (Objects/
// exceptions.c): OSError(errno, strerror[, filename[, winerror[,
// filename2]]]) keeps errno, strerror, filename and filename2 as
// attributes and only (errno, strerror) as args; called as OSError itself,
// it makes the subclass the errno names (OSError(111, ...) is a
// ConnectionRefusedError); str() is "[Errno 111] Connection refused".
// The sockets (engine/asyncio/sockets.cpp) raise them from Linux errno
// values, with the C library's strerror() text, as CPython's socket module does.
#pragma once

#include <string>
#include <vector>

#include "engine/python/value.h"

namespace corun {

class Interp;
struct Builtins;
struct ExcObj;
struct TypeObj;

// CPython's errnomap: the OSError subclass for an errno (OSError if none).
TypeObj* os_error_type(const Builtins& b, int err);
// OSError(...)'s construction: the type it really makes (`type` unless it
// is OSError itself with an errno that has a subclass) and, in `args`,
// what its args become. Call os_error_fill on the new exception after.
TypeObj* os_error_new(Interp& in, TypeObj* type, std::vector<Value>& args, std::vector<Value>& extra);
void os_error_fill(ExcObj* e, const std::vector<Value>& extra);
// The exception for a negative errno result: its subclass, args (err, strerror(err)).
Value make_os_error(Interp& in, int err);
Value make_os_error(Interp& in, int err, std::string text);
[[noreturn]] void raise_os_error(Interp& in, int err);
// str() of an OSError with an errno and a strerror; false for any other (BaseException's str applies).
bool os_error_str(Interp& in, const Value& exc, std::string& out);
// e.errno, e.strerror, e.filename, e.filename2 of an OSError (None when unset); false for other names and exceptions.
bool os_error_attr(Interp& in, const Value& exc, const std::string& name, Value& out);

}  // namespace corun
