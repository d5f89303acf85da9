// Lib/asyncio/threads.py (3.11): to_thread(func, /, *args), which awaits
// loop.run_in_executor(None, func_call). corun's thread model (the
// function runs at once on a clock of its own, and the future is resolved
// that much later: docs/language.md §11) is run_in_executor's, in
// engine/asyncio/event_loops.cpp; this calls the running loop's method, as
// CPython does. corun has no contextvars, so there is no context to copy.
#include "engine/asyncio/threads.h"

#include "engine/vm/interp.h"

namespace corun {

namespace {

// async to_thread(func, *args). Slots: s[0] func, s[1] args (a tuple);
// s[2] the label.
NativeStep to_thread(Interp& in, Value* s, Resume how, Value v) {
  if (label_of(s, 2) == 0) {
    if (how == Resume::Throw) in.raise_value(std::move(v));
    Value loop = in.running_loop_object();  // loop = events.get_running_loop()
    // func_call = functools.partial(ctx.run, func, *args, **kwargs)
    // return await loop.run_in_executor(None, func_call)
    std::vector<Value> args{Value(), s[0]};
    for (const Value& a : s[1].as<TupleObj>()->items) args.push_back(a);
    CallArgs call;
    call.pos = args.data();
    call.npos = args.size();
    Value fut = in.call_method(loop, "run_in_executor", call, nullptr);
    s[2] = Value::integer(1);
    return NativeStep::await(std::move(fut));
  }
  if (how == Resume::Throw) in.raise_value(std::move(v));
  return NativeStep::ret(std::move(v));
}

const NativeDef kThreads[] = {
    {"to_thread", nullptr, to_thread, 1},
};

}  // namespace

std::span<const NativeDef> threads_natives() { return kThreads; }

}  // namespace corun
