// Generators, async generators, and coroutines driven by hand: the
// protocols of Objects/genobject.c (send, throw, close; asend, athrow,
// aclose), the builtins next/iter/anext/aiter, and the loop's asyncgen hooks
// (Lib/asyncio/base_events.py: _asyncgen_firstiter_hook,
// _asyncgen_finalizer_hook, shutdown_asyncgens).
//
// All three are a CoroObj whose code says which it is. The frame work
// (running a generator's frame from C++, entering an async generator's frame
// on the awaiting task) is in interp.cpp, next to the instruction loop.
#include <algorithm>

#include "engine/python/builtins.h"
#include "engine/vm/generators.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

bool is_generator(const Value& v) { return v.is(ObjKind::Coroutine) && v.as<CoroObj>()->frame.code->is_generator; }
bool is_async_generator(const Value& v) { return v.is(ObjKind::Coroutine) && v.as<CoroObj>()->frame.code->is_async_gen; }

Value stop_iteration(Interp& in, Value result) {
  // `return` (None) raises a bare StopIteration(); `return x`, StopIteration(x).
  if (result.is_none()) return in.make_exception_args(in.builtins().StopIteration, {});
  return in.make_exception_args(in.builtins().StopIteration, {std::move(result)});
}

// throw(typ[, val]): a class is instantiated (with val as its argument
// unless val is already an instance), an instance is thrown as it is.
Value exception_to_throw(Interp& in, const char* method, CallArgs& a) {
  if (a.npos < 1 || a.npos > 3)
    in.raise(in.builtins().TypeError, std::string(method) + " expected at least 1 argument" + (a.npos ? "s" : "") + ", got " +
                                          std::to_string(a.npos));
  const Value& typ = a.pos[0];
  if (typ.is(ObjKind::Exception)) {
    if (a.npos > 1 && !a.pos[1].is_none())
      in.raise(in.builtins().TypeError, "instance exception may not have a separate value");
    return typ;
  }
  if (typ.is(ObjKind::Type) && typ.as<TypeObj>()->is_subclass_of(in.builtins().BaseException)) {
    if (a.npos > 1 && a.pos[1].is(ObjKind::Exception)) return a.pos[1];
    std::vector<Value> args;
    if (a.npos > 1 && !a.pos[1].is_none()) args.push_back(a.pos[1]);
    return in.call0(typ, std::move(args));
  }
  in.raise(in.builtins().TypeError, "exceptions must be classes or instances deriving from BaseException, not " +
                                        in.type_of(typ)->name);
}

void no_args(Interp& in, const char* name, CallArgs& a) {
  if (a.npos || a.nkw) in.raise(in.builtins().TypeError, std::string(name) + "() takes no arguments (" + std::to_string(a.npos + a.nkw) + " given)");
}

Value one_arg(Interp& in, const char* name, CallArgs& a) {
  if (a.npos != 1 || a.nkw)
    in.raise(in.builtins().TypeError, std::string(name) + "() takes exactly one argument (" + std::to_string(a.npos + a.nkw) + " given)");
  return a.pos[0];
}

// The task the finalizer hook schedules: loop.create_task(agen.aclose()).
void create_aclose_task(Interp& in, const Value& aclose, const Value&) {
  in.create_task(in.call0(in.prelude_function("_wrap_awaitable"), {aclose}), Value());
}

}  // namespace

// ---- generators -------------------------------------------------------------------------

Value Interp::gen_send(const Value& gen, Value sent) {
  CoroObj* g = gen.as<CoroObj>();
  if (g->state == CoroObj::State::Running) raise(builtins_->ValueError, "generator already executing");
  if (g->state == CoroObj::State::Done) raise_value(make_exception_args(builtins_->StopIteration, {}));
  if (g->state == CoroObj::State::Created && !sent.is_none())
    raise(builtins_->TypeError, "can't send non-None value to a just-started generator");
  bool finished = false;
  Value v = gen_resume(g, std::move(sent), Value(), finished);
  if (finished) raise_value(stop_iteration(*this, std::move(v)));
  return v;
}

Value Interp::gen_throw(const Value& gen, Value exc) {
  CoroObj* g = gen.as<CoroObj>();
  if (g->state == CoroObj::State::Running) raise(builtins_->ValueError, "generator already executing");
  if (g->state != CoroObj::State::Suspended) {
    // Thrown into a generator that has not started, or has ended: it
    // raises at once, and the generator is done.
    g->state = CoroObj::State::Done;
    raise_value(std::move(exc));
  }
  bool finished = false;
  Value v = gen_resume(g, Value(), std::move(exc), finished);
  if (finished) raise_value(stop_iteration(*this, std::move(v)));
  return v;
}

// gen_close: GeneratorExit thrown in must end the generator (by that
// exception, or by returning); a yield instead is a RuntimeError.
void Interp::gen_close(const Value& gen) {
  CoroObj* g = gen.as<CoroObj>();
  if (g->state == CoroObj::State::Running) raise(builtins_->ValueError, "generator already executing");
  if (g->state != CoroObj::State::Suspended) {
    g->state = CoroObj::State::Done;
    return;
  }
  bool finished = false;
  try {
    gen_resume(g, Value(), make_exception_args(builtins_->GeneratorExit, {}), finished);
  } catch (PyException& e) {
    if (e.exc.as<ExcObj>()->type->is_subclass_of(builtins_->GeneratorExit)) return;
    throw;
  }
  if (!finished) raise(builtins_->RuntimeError, "generator ignored GeneratorExit");
}

// ---- async generators --------------------------------------------------------------------

// async_gen_init_hooks with the loop's _asyncgen_firstiter_hook: the first
// __anext__/asend/athrow/aclose of a generator, while the loop runs, puts
// it in the loop's set and gives it the finalizer.
void register_asyncgen(Interp& in, CoroObj* g) {
  if (g->hooks_inited) return;
  g->hooks_inited = true;
  if (!in.asyncgen_hooks_) return;
  g->has_finalizer = true;
  in.asyncgens_.push_back(g);
}

Value Interp::make_agen_awaitable(const Value& agen, AnextObj::Mode mode, Value arg) {
  register_asyncgen(*this, agen.as<CoroObj>());
  return Value(new AnextObj(agen, mode, std::move(arg)));
}

// The last reference to a generator went. An async generator left
// unfinished gets _asyncgen_finalizer_hook: forgotten by the loop, and
// `loop.call_soon_threadsafe(loop.create_task, agen.aclose())`. A plain
// generator is closed at once, as its dealloc does; what that raises is
// "ignored" (printed), since nobody can catch it.
void Interp::finalize_generator(CoroObj* g) {
  g->finalized = true;
  if (g->frame.code->is_async_gen) {
    auto it = std::find(asyncgens_.begin(), asyncgens_.end(), g);
    if (it != asyncgens_.end()) asyncgens_.erase(it);
    if (!g->has_finalizer || g->closed || g->state == CoroObj::State::Done || !asyncgen_hooks_) return;
    loop_->call_soon(create_aclose_task, make_agen_awaitable(Value(g), AnextObj::Mode::Close, Value()));
    return;
  }
  if (g->state != CoroObj::State::Suspended) return;
  Value gen(g);
  try {
    gen_close(gen);
  } catch (PyException& e) {
    write_err("Exception ignored in: " + repr(gen) + "\n");
    print_traceback(e.exc);
  } catch (const std::bad_alloc&) {
    write_err("Exception ignored in: " + repr(gen) + "\nMemoryError\n");
  } catch (BusyExceeded&) {
    g_budget.busy = g_budget.busy_limit;  // the next instruction reports it
  } catch (RunAborted& a) {
    // A guard fired while a destructor ran the generator: stop the run at
    // the next instruction (an exception cannot leave a destructor).
    defer_abort(std::move(a));
  }
}

std::vector<Value> Interp::take_asyncgens() {
  asyncgens_shutdown_called_ = true;
  std::vector<Value> out(asyncgens_.begin(), asyncgens_.end());
  asyncgens_.clear();
  return out;
}

Value Interp::prelude_function(std::string_view name) {
  for (auto& [n, v] : prelude_cache_) if (n == name) return v;
  for (size_t i = 0; i < program_.globals.size(); ++i)
    if (program_.globals[i].hidden && program_.globals[i].name == name) {
      prelude_cache_.emplace_back(std::string(name), globals_[i]);
      return globals_[i];
    }
  raise(builtins_->RuntimeError, "corun's asyncio prelude has no '" + std::string(name) + "'");
}

// ---- methods ---------------------------------------------------------------------------

const char* const kGeneratorMethods[] = {"send", "throw", "close", "__next__", "__iter__", nullptr};
const char* const kAsyncGenMethods[] = {"asend", "athrow", "aclose", "__anext__", "__aiter__", nullptr};
const char* const kCoroutineMethods[] = {"send", "throw", "close", nullptr};

const char* const* frame_object_methods(const Value& obj) {
  const CodeObject* code = obj.as<CoroObj>()->frame.code;
  return code->is_generator ? kGeneratorMethods : code->is_async_gen ? kAsyncGenMethods : kCoroutineMethods;
}

Value frame_object_method(Interp& in, const Value& self, const std::string& name, CallArgs& a, bool& found) {
  found = true;
  const CodeObject* code = self.as<CoroObj>()->frame.code;
  if (code->is_generator) {
    if (name == "__next__") { no_args(in, "__next__", a); return in.gen_send(self, Value()); }
    if (name == "__iter__") { no_args(in, "__iter__", a); return self; }
    if (name == "send") return in.gen_send(self, one_arg(in, "send", a));
    if (name == "throw") return in.gen_throw(self, exception_to_throw(in, "throw", a));
    if (name == "close") { no_args(in, "close", a); in.gen_close(self); return Value(); }
  } else if (code->is_async_gen) {
    if (name == "__anext__") { no_args(in, "__anext__", a); return in.make_agen_awaitable(self, AnextObj::Mode::Send, Value()); }
    if (name == "__aiter__") { no_args(in, "__aiter__", a); return self; }
    if (name == "asend") return in.make_agen_awaitable(self, AnextObj::Mode::Send, one_arg(in, "asend", a));
    if (name == "athrow") return in.make_agen_awaitable(self, AnextObj::Mode::Throw, exception_to_throw(in, "athrow", a));
    if (name == "aclose") { no_args(in, "aclose", a); return in.make_agen_awaitable(self, AnextObj::Mode::Close, Value()); }
  } else {
    if (name == "send") return in.coro_send(self, one_arg(in, "send", a), Value());
    if (name == "throw") return in.coro_send(self, Value(), exception_to_throw(in, "throw", a));
    if (name == "close") { no_args(in, "close", a); in.coro_close(self); return Value(); }
  }
  found = false;
  return Value();
}

// ---- builtins ----------------------------------------------------------------------------

// next(iterator[, default])
Value b_next(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw) in.raise(in.builtins().TypeError, "next() takes no keyword arguments");
  if (a.npos < 1 || a.npos > 2)
    in.raise(in.builtins().TypeError, a.npos > 2 ? "next expected at most 2 arguments, got " + std::to_string(a.npos)
                                                 : "next expected at least 1 argument, got 0");
  const Value& it = a.pos[0];
  if (is_generator(it)) {
    if (a.npos == 1) return in.gen_send(it, Value());
    CoroObj* g = it.as<CoroObj>();
    if (g->state == CoroObj::State::Running) in.raise(in.builtins().ValueError, "generator already executing");
    if (g->state == CoroObj::State::Done) return a.pos[1];
    bool finished = false;
    Value v = in.gen_resume(g, Value(), Value(), finished);
    return finished ? a.pos[1] : v;
  }
  if (it.is(ObjKind::Iterator)) {
    Value out;
    if (in.iter_next(it, out)) return out;
    if (a.npos == 2) return a.pos[1];
    in.raise_value(in.make_exception_args(in.builtins().StopIteration, {}));
  }
  if (it.is(ObjKind::Instance) && it.as<InstanceObj>()->type->find_attr("__next__")) {
    CallArgs none;
    if (a.npos == 1) return in.call_method(it, "__next__", none, nullptr);
    try {
      return in.call_method(it, "__next__", none, nullptr);
    } catch (PyException& e) {
      if (!e.exc.as<ExcObj>()->type->is_subclass_of(in.builtins().StopIteration)) throw;
      return a.pos[1];
    }
  }
  in.raise(in.builtins().TypeError, "'" + in.type_of(it)->name + "' object is not an iterator");
}

// iter(iterable): a generator is its own iterator.
Value b_iter(Interp& in, const Value&, CallArgs& a) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, "iter expected 1 argument, got " + std::to_string(a.npos + a.nkw));
  if (is_generator(a.pos[0])) return a.pos[0];
  return in.get_iter(a.pos[0]);
}

// aiter(x): an async generator is its own async iterator; an object has __aiter__.
Value b_aiter(Interp& in, const Value&, CallArgs& a) {
  const Value& x = one_arg(in, "aiter", a);
  if (is_async_generator(x)) return x;
  if (x.is(ObjKind::Instance) && x.as<InstanceObj>()->type->find_attr("__aiter__")) {
    CallArgs none;
    return in.call_method(x, "__aiter__", none, nullptr);
  }
  in.raise(in.builtins().TypeError, "'" + in.type_of(x)->name + "' object is not an async iterable");
}

// anext(x[, default]): the awaitable of x.__anext__(); with a default, the
// end of the iteration gives it instead of StopAsyncIteration.
Value b_anext(Interp& in, const Value&, CallArgs& a) {
  if (a.npos < 1 || a.npos > 2 || a.nkw)
    in.raise(in.builtins().TypeError, a.npos > 2 ? "anext expected at most 2 arguments, got " + std::to_string(a.npos)
                                                 : "anext expected at least 1 argument, got 0");
  const Value& x = a.pos[0];
  if (is_async_generator(x)) {
    Value aw = in.make_agen_awaitable(x, AnextObj::Mode::Send, Value());
    if (a.npos == 2) {
      aw.as<AnextObj>()->has_default = true;
      aw.as<AnextObj>()->dflt = a.pos[1];
    }
    return aw;
  }
  if (x.is(ObjKind::Instance) && x.as<InstanceObj>()->type->find_attr("__anext__")) {
    CallArgs none;
    Value aw = in.call_method(x, "__anext__", none, nullptr);
    if (a.npos == 1) return aw;
    return in.call0(in.prelude_function("_anext_default"), {aw, a.pos[1]});
  }
  in.raise(in.builtins().TypeError, "'" + in.type_of(x)->name + "' object is not an async iterator");
}

void add_generator_builtins(Builtins& b) {
  auto fn = [&](const char* name, Builtin f) { b.values[size_t(builtin_index(name))] = Value(new BuiltinObj(name, f)); };
  fn("next", b_next);
  fn("iter", b_iter);
  fn("aiter", b_aiter);
  fn("anext", b_anext);
}

}  // namespace corun
