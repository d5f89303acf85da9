// asyncio's event loop objects: new_event_loop(), get/set_event_loop(),
// loop.run_until_complete/run_forever/stop/close, and the loop's exception
// handler. A program may create, run, stop and close loops one after another
// as CPython does; every loop object runs on the interpreter's one EventLoop
// machinery (loop.h) while it runs, so the clock is the process's, as
// time.monotonic() is in CPython.
#pragma once

#include <string>

#include "engine/python/value.h"

namespace corun {

class Interp;
struct Builtins;

// BaseEventLoop's state.
struct LoopObj : Object {
  bool closed = false;
  bool running = false;
  bool stopping = false;    // stop() while not running: the next run_forever() runs one iteration
  bool debug = false;
  Value exception_handler;  // None: default_exception_handler
  LoopObj() : Object(ObjKind::Loop) {}
};

// The event loops the program has: the running one, the one set_event_loop()
// set (get_event_loop()'s), and the one that ran last (it reports the
// exceptions of futures freed while no loop runs).
struct LoopState {
  Value running;
  Value current;
  bool set_called = false;  // set_event_loop() was called: get_event_loop() creates no loop any more
  Value last;
  Value handle;  // the Handle running now, for "Exception in callback" reports
};

Value new_loop_object(Interp& in);
// loop.NAME: a bound method, or CPython's AttributeError.
Value loop_attribute(Interp& in, const Value& loop, const std::string& name);
std::string loop_repr(const LoopObj* loop);
// `name(args) at file:line`, as asyncio's format_helpers._format_callback_source.
std::string format_callback_source(Interp& in, const Value& fn, const Value& args);
// <Handle ...> / <TimerHandle when=... ...>
std::string handle_repr(Interp& in, const Value& handle);
// asyncio.new_event_loop, get_running_loop, get_event_loop, set_event_loop.
void add_event_loop_functions(Interp& in, ModuleObj& asyncio);
// The prelude's private _get_running_loop, _runner_main_task, _interrupt_count.
void add_event_loop_helpers(Builtins& b);

}  // namespace corun
