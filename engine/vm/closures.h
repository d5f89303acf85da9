// Functions as values (engine/vm/closures.cpp): what other files call of
// generator expressions.
#pragma once

#include "engine/python/objects.h"

namespace corun {

class Interp;
struct Builtins;
struct Expr;
struct Frame;

// `(elt for x in it ...)`: a lazy generator; its first iterable is
// evaluated now, in f.
Value make_genexpr(Interp& in, const Expr& e, Frame& f);
// next(genexpr): false when it is exhausted (for good).
bool genexpr_next(Interp& in, IteratorObj& it, Value& out);

}  // namespace corun
