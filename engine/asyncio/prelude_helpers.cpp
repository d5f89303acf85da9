// The private builtins corun's asyncio prelude (engine/asyncio/prelude/) calls
// and the compiler's lowerings call where CPython calls C or another
// module: the ExceptionGroup split of except*, aiter/anext for `async for`,
// collections.deque, id() for reprs, and the loop's shutdown_asyncgens().
// Their names start with `_`: no scenario can name them.
#include "engine/asyncio/prelude_helpers.h"

#include "engine/asyncio/asyncio_module.h"
#include "engine/asyncio/sockets.h"
#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/python/repr.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// asyncio.coroutines.iscoroutine(), for Runner.run's check.
Value h_iscoroutine(Interp& in, const Value&, CallArgs& a) { return Value::boolean(a.npos == 1 && a.pos[0].is(ObjKind::Coroutine)); }

// except*'s split of the exception being handled: (match, rest).
Value h_eg_split(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 2 || !a.pos[0].is(ObjKind::Exception)) in.raise(in.builtins().TypeError, "_eg_split(exc, types)");
  auto [m, r] = except_star_split(in, a.pos[0], a.pos[1]);
  return make_tuple({m, r});
}

bool is_async_gen(const Value& v) { return v.is(ObjKind::Coroutine) && v.as<CoroObj>()->frame.code->is_async_gen; }

// collections.deque(): an empty one.
Value h_deque(Interp& in, const Value&, CallArgs& a) {
  if (a.npos || a.nkw) in.raise(in.builtins().TypeError, "_deque() takes no arguments");
  return Value(new DequeObj());
}

// aiter(x): an async generator is its own iterator; an object has __aiter__.
Value h_aiter(Interp& in, const Value&, CallArgs& a) {
  const Value& x = a.pos[0];
  if (is_async_gen(x)) return x;
  if (x.is(ObjKind::Instance) && x.as<InstanceObj>()->type->find_attr("__aiter__")) {
    CallArgs none;
    return in.call_method(x, "__aiter__", none, nullptr);
  }
  in.raise(in.builtins().TypeError, "'async for' requires an object with __aiter__ method, got " + in.type_of(x)->name);
}

// anext(x): what `async for` awaits for each item.
Value h_anext(Interp& in, const Value&, CallArgs& a) {
  const Value& x = a.pos[0];
  if (is_async_gen(x)) return in.make_agen_awaitable(x, AnextObj::Mode::Send, Value());
  if (x.is(ObjKind::Instance) && x.as<InstanceObj>()->type->find_attr("__anext__")) {
    CallArgs none;
    return in.call_method(x, "__anext__", none, nullptr);
  }
  in.raise(in.builtins().TypeError, "'async for' received an object from __aiter__ that does not implement __anext__: " +
                                        in.type_of(x)->name);
}

}  // namespace

// shutdown_asyncgens(): the loop's alive async generators, which it forgets.
Value h_take_asyncgens(Interp& in, const Value&, CallArgs&) { return make_list(in.take_asyncgens()); }

// shutdown_asyncgens()'s call_exception_handler, through the default
// handler: the message, the context's other keys, the traceback.
Value h_report_asyncgen_error(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 2) in.raise(in.builtins().TypeError, "_report_asyncgen_error(agen, exc)");
  std::string agen = in.repr(a.pos[0]);
  in.write_err("an error occurred during closing of asynchronous generator " + agen + "\nasyncgen: " + agen + "\n");
  in.print_traceback(a.pos[1]);
  return Value();
}

// object.__repr__(x) and the address it shows, for the prelude's __repr__s
// (super().__repr__() and id() in CPython's).
Value h_address(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || !a.pos[0].is_obj()) in.raise(in.builtins().TypeError, "_address() takes an object");
  return make_str(fake_address(a.pos[0].obj()));
}

void add_prelude_helpers(Interp& in, Builtins& b) {
  auto fn = [&](const char* name, Builtin f) { b.values[size_t(builtin_index(name))] = Value(new BuiltinObj(name, f)); };
  fn("_iscoroutine", h_iscoroutine);
  fn("_eg_split", h_eg_split);
  fn("_aiter", h_aiter);
  fn("_anext", h_anext);
  fn("_deque", h_deque);
  fn("_address", h_address);
  fn("_take_asyncgens", h_take_asyncgens);
  fn("_report_asyncgen_error", h_report_asyncgen_error);
  add_socket_helpers(in, b);
}

}  // namespace corun
