// property, staticmethod and classmethod (Objects/descrobject.c's property,
// Objects/funcobject.c's staticmethod and classmethod): the three builtin
// descriptors a class body uses. Each is an instance of a builtin type
// holding what it wraps in fields (`fget fset fdel __doc__` for a
// property, `__func__` for the other two), so their reprs, `type()` and
// field reads come from the instance machinery.
//
// Where attribute lookup meets one in a class (engine/python/attrs.cpp), it
// asks here instead of binding a method: descriptor_get is the
// descriptor's __get__, descriptor_set / descriptor_delete a property's
// __set__ / __delete__. A staticmethod's and a classmethod's function take
// no implicit `self` (implicit_method_param, engine/compile/).
#pragma once

#include <string>

#include "engine/python/value.h"

namespace corun {

class Interp;
struct Builtins;
struct TypeObj;

// Makes the three types and binds the builtin names to them.
void add_descriptor_types(Interp& in, Builtins& b);

// `attr` (found as `name` in a class) is a descriptor: sets `out` to what
// reading it gives -- through `obj`, an instance of `owner`, or through the
// class itself when `obj` is unbound -- and returns true; false for any
// other value. A property without a getter raises AttributeError.
bool descriptor_get(Interp& in, const Value& attr, const Value& obj, TypeObj* owner, const std::string& name, Value& out);

// `attr` is a property: calls its setter (or deleter) with `obj`, or raises
// CPython's AttributeError when it has none, and returns true; false when
// `attr` is not a property (the assignment then goes to the instance).
bool descriptor_set(Interp& in, const Value& attr, const Value& obj, const std::string& name, const Value& v);
bool descriptor_delete(Interp& in, const Value& attr, const Value& obj, const std::string& name);

}  // namespace corun
