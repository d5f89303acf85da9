// Attributes and methods of values (engine/python/attrs.cpp): the free
// functions other files call; obj.name itself is Interp::get_attr /
// Interp::call_method.
#pragma once

#include "engine/python/method_table.h"
#include "engine/python/objects.h"

namespace corun {

class Interp;
struct CallArgs;
struct Expr;

// C(...) for a class written in the scenario: a new instance, its fields
// set, then __init__ called with the arguments (TypeError as CPython's when
// the class takes none).
Value instantiate_class(Interp& in, TypeObj* t, CallArgs& args, const Expr* site);

// The names of the native methods of obj's kind (str, list, tuple, dict,
// deque, set, Future, Task, Handle, generators and coroutines), in the order
// dir() lists them, null-terminated; null for a kind without any.
const char* const* native_methods(const Value& obj);

// dict's and tuple's native methods, which collections' subclasses extend.
const NameTable<Value (*)(Interp&, const Value&, CallArgs&)>& builtin_dict_methods();
const NameTable<Value (*)(Interp&, const Value&, CallArgs&)>& builtin_tuple_methods();

// Whether a future's done-callback is one the scenario added
// (fut.add_done_callback(fn)), and then the callable it calls.
bool is_user_callback(Callback fn);
Value user_callback_callable(const Object* ctx);

// collections.deque(iterable=(), maxlen=None): the type's constructor.
Value deque_new(Interp& in, const Value& self, CallArgs& a);

}  // namespace corun
