// Classes with behaviour: the dunder methods a scenario's classes define
// (called by the builtins that call them in Python: str, repr, ==, <, len,
// bool, in, [], iteration, calls), exception classes with methods, and
// zero-argument super(). See engine/python/classes.cpp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct CallArgs;

// Dunders Python always calls synchronously: a method of a class under
// `classes:` with one of these names is a plain `def` unless `sync: false`.
bool is_sync_dunder(std::string_view method);

// The function a scenario class (or one of its bases) defines under `name`,
// or null: builtin types define none.
const FunctionObj* user_method(const TypeObj* t, std::string_view name);
// The same for the class of a value (instances and exceptions only).
const FunctionObj* user_method_of(const Value& v, std::string_view name);

// Instances and exceptions: the values whose class may define dunders.
inline bool may_have_dunders(const Value& v) { return v.is(ObjKind::Instance) || v.is(ObjKind::Exception); }
// A value of a class written in the scenario (with methods of its own or
// inherited): its ==, hash and the rest may be the class's own.
bool in_user_class(const Value& v);

// Calls the dunder `name` of v's class with v bound as self.
Value call_dunder(Interp& in, const Value& v, const FunctionObj* fn, std::vector<Value> args);

// Python's NotImplemented (a singleton).
const Value& not_implemented();

// x == y through __eq__ (then the reflected __eq__, then identity), as
// PyObject_RichCompare; only called when one side defines __eq__.
bool user_equal(Interp& in, const Value& a, const Value& b);
// True when a or b is an object whose class defines `name`.
bool has_user_dunder(const Value& a, std::string_view name);
// a OP b for <, <=, >, >=, != through the dunders and their reflections;
// false in `handled` when neither side defines them.
bool user_compare(Interp& in, int op, const Value& a, const Value& b, bool& handled);
// a OP b through __add__/__radd__ & co; false when neither side defines them
// (or both return NotImplemented), so the builtin rules apply.
bool user_binary(Interp& in, int op, const Value& a, const Value& b, Value& out);
// format(x, spec) through a class's __format__; false when it has none.
bool user_format(Interp& in, const Value& v, std::string_view spec, std::string& out);
// hash(x) for an instance: __hash__, or TypeError for a class that defines
// __eq__ without __hash__ (Python sets __hash__ to None then).
size_t user_hash(Interp& in, const Value& v);

// Calling an exception class that has methods or fields: BaseException.__new__
// keeps the positional arguments as args, fields are set, then __init__ runs.
Value construct_user_exception(Interp& in, const Value& type, CallArgs& args);

// Attributes of classes and exceptions beyond their own: __mro__, __bases__,
// __doc__; __suppress_context__, __traceback__, __notes__, add_note, the
// groups' split/subgroup/derive ... True when `name` is one (out is set).
bool type_attr(Interp& in, TypeObj* t, const std::string& name, Value& out);
bool exception_attr(Interp& in, const Value& exc, const std::string& name, Value& out);
// e.NAME = v for the attributes an exception keeps in its own fields.
bool set_exception_attr(Interp& in, const Value& exc, const std::string& name, const Value& v);

// The (match, rest) `except*` takes for a handler's types; each None when empty.
std::pair<Value, Value> except_star_split(Interp& in, const Value& exc, const Value& types);

// The private builtins this file provides (`_super_attr`, `_with_enter`, ...).
void add_class_helpers(Interp& in, struct Builtins& b);
void add_exception_helpers(Interp& in, struct Builtins& b);

}  // namespace corun
