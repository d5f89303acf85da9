// Python's `bytes`: an immutable sequence of 0..255, as CPython 3.11's
// Objects/bytesobject.c and bytes_methods.c define it, and the codecs that
// cross between bytes and str (utf-8, ascii, latin-1, with the errors
// 'strict', 'replace' and 'ignore'; Objects/unicodeobject.c's decoders and
// encoders, with their UnicodeDecodeError/UnicodeEncodeError positions).
//
// Invariants: a BytesObj's `b` holds the raw bytes (never UTF-8 text); a
// corun str is UTF-8, so positions in codec errors are counted in code
// points, as CPython counts them. Every operation whose size the user
// chooses (b * n, bytes(n), join, replace, fromhex) reserves its result
// first (checked sizes: budget.h), and every walk over the bytes charges
// the busy guard in proportion (native_cost.h's kBytesPerUnit).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/load/expr.h"
#include "engine/python/method_table.h"
#include "engine/python/value.h"

namespace corun {

class Interp;
struct CallArgs;
struct TypeObj;

// Appends code point cp to out, encoded as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

struct BytesObj : Object {
  std::string b;
  explicit BytesObj(std::string v) : Object(ObjKind::Bytes), b(std::move(v)) {}
};

Value make_bytes(std::string b);
inline const std::string& bytes_of(const Value& v) { return v.as<BytesObj>()->b; }

// repr(b): b'...' (b"..." when the bytes hold ' and no "), escapes \t \n \r
// \\ and \xhh for the rest outside 0x20..0x7e (bytes_repr).
std::string bytes_repr(std::string_view b);

// bytes' methods (attrs.cpp's method_table hands bytes here).
const MethodTable& bytes_methods();

// bytes(...) and bytes.fromhex(s): the type's constructor and class method.
Value bytes_new(Interp& in, const Value& self, CallArgs& a);
Value bytes_fromhex(Interp& in, const Value& self, CallArgs& a);
// str.encode(encoding='utf-8', errors='strict').
Value str_encode(Interp& in, const Value& self, CallArgs& a);

// bytes + bytes, bytes * n, and the TypeErrors of bytes mixed with other
// types; false when the operation is not bytes' (binary_op goes on).
bool bytes_binary_op(Interp& in, BinOp op, const Value& a, const Value& b, Value& out);
// `item in b`: a bytes (substring) or an int in range(256).
bool bytes_contains(Interp& in, const Value& container, const Value& item);
// The ints of b, for iter(b) (charged and reserved like a list of them).
std::vector<Value> bytes_items(const std::string& b);

// str(e) of a UnicodeDecodeError / UnicodeEncodeError made with CPython's
// five arguments (encoding, object, start, end, reason); false otherwise.
bool unicode_error_str(Interp& in, const Value& exc, std::string& out);

}  // namespace corun
