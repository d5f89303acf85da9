// Lib/asyncio/selector_events.py (3.11): the socket transport's paths that
// every message takes, ported line by line -- _SelectorSocketTransport's
// write, _read_ready and _read_ready__data_received, and
// _SelectorTransport.is_closing -- and the loop's _sock_connect, which
// every open_connection takes. A write that cannot go out at once, the
// write handler (_write_ready), EOF, closing and the fatal errors stay in
// the prelude (engine/asyncio/prelude/selector_events.yaml), which these
// call by name, as CPython's code calls them through `self`.
//
// So does everything else these call: the protocol's data_received (a
// scenario's own Protocol, or StreamReaderProtocol's port), _fatal_error,
// _maybe_pause_protocol. A method that is a port taking what is passed
// runs directly (method_calls.h), anything else as Python would call it;
// the socket's send and recv run at once for corun's own socket
// (sockets.h), whose methods a scenario cannot replace.
//
// `except BaseException as exc` catches what a Python exception is here,
// a PyException; a guard stopping the run (RunAborted) passes through, as
// it passes through the prelude's own `except`.
#include "engine/asyncio/selector_events.h"

#include <initializer_list>
#include <string>
#include <vector>

#include "engine/asyncio/method_calls.h"
#include "engine/asyncio/native_self.h"
#include "engine/asyncio/sockets.h"
#include "engine/python/builtins.h"
#include "engine/python/bytes.h"
#include "engine/python/os_errors.h"
#include "engine/python/subscripts.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

// ---- the transport's fields ---------------------------------------------------------------
// BaseTransport: _extra; _FlowControlMixin: _loop, _protocol_paused, _high_water, _low_water;
// _SelectorTransport: _sock, _sock_fd, _protocol, _protocol_connected, _server, _buffer,
// _conn_lost, _closing, _paused; _SelectorSocketTransport: _read_ready_cb, _eof, _empty_waiter

constexpr size_t kSock = 5, kSockFd = 6, kProtocol = 7, kBuffer = 10, kConnLost = 11, kClosing = 12, kReadReadyCb = 14,
                 kEof = 15, kEmptyWaiter = 16;

Value& sock_f(Interp& in, const Value& s) { return native_field(in, s, kSock, "_sock"); }
Value& protocol_f(Interp& in, const Value& s) { return native_field(in, s, kProtocol, "_protocol"); }
Value& buffer_f(Interp& in, const Value& s) { return native_field(in, s, kBuffer, "_buffer"); }
Value& conn_lost_f(Interp& in, const Value& s) { return native_field(in, s, kConnLost, "_conn_lost"); }

// except (BlockingIOError, InterruptedError), for an exception's type
bool blocking_type(Interp& in, const TypeObj* t) {
  return t->is_subclass_of(in.builtins().BlockingIOError) || t->is_subclass_of(in.builtins().InterruptedError);
}
bool would_block(Interp& in, const Value& exc) { return blocking_type(in, in.type_of(exc)); }

// self._loop._add_writer(fd, callback, *args): the prelude's hidden
// _add_writer (sockets.cpp), which takes the running loop's selector.
Value add_writer(Interp& in, std::initializer_list<Value> args) {
  static const int at = builtin_index("_add_writer");
  return in.call0(in.builtins().values[size_t(at)], std::vector<Value>(args));
}

// self._fatal_error(exc, message)
void fatal_error(Interp& in, const Value& self, Value exc, const char* message) {
  static const std::string kFatalError = "_fatal_error";
  call_method0(in, self, kFatalError, {std::move(exc), make_str(message)});
}

// _SelectorTransport.is_closing()
Value transport_is_closing(Interp& in, Value* s) {
  return native_field(in, s[0], kClosing, "_closing");
}

Value socket_read_ready_data_received(Interp& in, Value* s);

// _SelectorSocketTransport._read_ready(): self._read_ready_cb(), which
// set_protocol made self._read_ready__data_received: that port runs
// directly when the bound method is still it, on this transport.
Value socket_read_ready(Interp& in, Value* s) {
  Value cb = native_field(in, s[0], kReadReadyCb, "_read_ready_cb");  // a copy: the callback may replace it
  if (cb.is(ObjKind::BoundMethod)) {
    const BoundMethodObj* bm = cb.as<BoundMethodObj>();
    if (bm->func.is(ObjKind::Function) && bm->self.is(ObjKind::Instance) && bm->self.obj() == s[0].obj()) {
      const NativeDef* nd = bm->func.as<FunctionObj>()->code->native;
      if (nd && nd->call == socket_read_ready_data_received) return socket_read_ready_data_received(in, s);
    }
  }
  CallArgs none;
  in.call(cb, none);
  return Value();
}

// self.max_size, the size recv() is asked for: the class's 256 KiB unless
// the transport was given its own (a library class's attributes never
// change, so the class's is looked up once a class).
Value max_size(Interp& in, const Value& self) {
  static const std::string kMaxSize = "max_size";
  const InstanceObj* inst = self.as<InstanceObj>();
  if (inst->extra_fields || inst->type->module == "__main__") return in.get_attr(self, kMaxSize);
  thread_local uint64_t type_id = 0;
  thread_local int64_t size = 0;
  if (type_id != inst->type->id) {
    Value v = in.get_attr(self, kMaxSize);
    if (!v.is_int()) return v;
    size = v.as_int();
    type_id = inst->type->id;
  }
  return Value::integer(size);
}

// _SelectorSocketTransport._read_ready__data_received()
Value socket_read_ready_data_received(Interp& in, Value* s) {
  const Value& self = s[0];
  if (in.truthy(conn_lost_f(in, self))) return Value();
  Value data;
  try {
    data = socket_recv(in, Value(sock_f(in, self)), max_size(in, self));
  } catch (PyException& e) {
    if (would_block(in, e.exc)) return Value();
    if (is_exit_exception(in, e.exc)) throw;
    fatal_error(in, self, std::move(e.exc), "Fatal read error on socket transport");
    return Value();
  }
  if (!in.truthy(data)) {
    call_method(in, self, "_read_ready__on_eof");
    return Value();
  }
  try {
    call_method(in, Value(protocol_f(in, self)), "data_received", data);
  } catch (PyException& e) {
    if (is_exit_exception(in, e.exc)) throw;
    fatal_error(in, self, std::move(e.exc), "Fatal error: protocol.data_received() call failed.");
  }
  return Value();
}

// _SelectorSocketTransport.write(data)
Value socket_write(Interp& in, Value* s) {
  const Value& self = s[0];
  Value data = s[1];
  // (CPython also takes bytearray and memoryview, which corun does not have.)
  if (!data.is(ObjKind::Bytes))
    in.raise(in.builtins().TypeError, "data argument must be a bytes-like object, not '" + in.type_of(data)->name + "'");
  if (in.truthy(native_field(in, self, kEof, "_eof"))) in.raise(in.builtins().RuntimeError, "Cannot call write() after write_eof()");
  if (!native_field(in, self, kEmptyWaiter, "_empty_waiter").is_none())
    in.raise(in.builtins().RuntimeError, "unable to write; sendfile is in progress");
  if (bytes_of(data).empty()) return Value();
  if (Value& lost = conn_lost_f(in, self); in.truthy(lost)) {
    // (CPython logs 'socket.send() raised exception.' from the 5th such
    // write on: constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES)
    lost = in.binary_op(BinOp::Add, lost, Value::integer(1));
    return Value();
  }
  if (!in.truthy(buffer_f(in, self))) {
    // Optimization: try to send now.
    bool sent = false;
    Value n;
    try {
      n = socket_send(in, Value(sock_f(in, self)), data);
      sent = true;
    } catch (PyException& e) {
      if (!would_block(in, e.exc)) {
        if (is_exit_exception(in, e.exc)) throw;
        fatal_error(in, self, std::move(e.exc), "Fatal write error on socket transport");
        return Value();
      }
    }
    if (sent) {
      data = slice_value(in, data, n, Value(), Value());  // data = data[n:]
      if (!in.truthy(data)) return Value();
    }
    // Not all was written; register write handler.
    static const std::string kWriteReady = "_write_ready";
    add_writer(in, {native_field(in, self, kSockFd, "_sock_fd"), in.get_attr(self, kWriteReady)});
  }
  // Add it to the buffer.
  Value joined = in.binary_op(BinOp::Add, buffer_f(in, self), data);
  buffer_f(in, self) = std::move(joined);
  call_method(in, self, "_maybe_pause_protocol");
  return Value();
}

// ---- BaseSelectorEventLoop -----------------------------------------------------------------

// _sock_connect(loop, fut, sock, address): BaseSelectorEventLoop._sock_connect.
// Every open_connection connects a non-blocking socket, whose connect()
// "fails" with EINPROGRESS: for corun's own socket the errno is looked at
// (socket_connect_errno) instead of raising and catching BlockingIOError,
// which no one sees (a C++ throw costs more than the rest of the connect).
Value loop_sock_connect(Interp& in, Value* s) {
  const Value& loop = s[0];
  const Value& fut = s[1];
  const Value& sock = s[2];
  const Value& address = s[3];
  static const std::string kFileno = "fileno", kConnect = "connect", kSetResult = "set_result",
                           kSetException = "set_exception", kAddDoneCallback = "add_done_callback";
  Value fd = call_method0(in, sock, kFileno);
  bool in_progress = false;
  Value exc;
  try {
    int err = socket_connect_errno(in, sock, address);
    if (err < 0) call_method0(in, sock, kConnect, {address});  // not corun's socket: as Python calls it
    else if (err > 0 && blocking_type(in, os_error_type(in.builtins(), err))) in_progress = true;  // what sock.connect would raise
    else if (err > 0) exc = make_os_error(in, err);
  } catch (PyException& e) {
    if (would_block(in, e.exc)) in_progress = true;
    else if (is_exit_exception(in, e.exc)) throw;
    else exc = std::move(e.exc);
  }
  if (in_progress) {
    // handle = self._add_writer(fd, self._sock_connect_cb, fut, sock, address)
    Value handle = add_writer(in, {fd, in.prelude_function("_sock_connect_cb"), loop, fut, sock, address});
    // fut.add_done_callback(functools.partial(_sock_write_done, loop, fd, handle=handle))
    static const int functools = builtin_index("functools");
    const Value* partial = in.builtins().values[size_t(functools)].as<ModuleObj>()->find("partial");
    Value pos[3] = {in.prelude_function("_sock_write_done"), loop, fd};
    static const std::string kHandle = "handle";
    CallArgs a;
    a.pos = pos;
    a.npos = 3;
    a.kwnames = &kHandle;
    a.kw = &handle;
    a.nkw = 1;
    Value done = in.call(*partial, a);
    call_method0(in, fut, kAddDoneCallback, {done});
  } else if (!exc.is_none()) {
    call_method0(in, fut, kSetException, {exc});
  } else {
    call_method0(in, fut, kSetResult, {Value()});
  }
  return Value();
}

const NativeDef kSelectorEvents[] = {
    {"_sock_connect", loop_sock_connect, nullptr, 0},
    {"_SelectorTransport.is_closing", transport_is_closing, nullptr, 0},
    {"_SelectorSocketTransport._read_ready", socket_read_ready, nullptr, 0},
    {"_SelectorSocketTransport._read_ready__data_received", socket_read_ready_data_received, nullptr, 0},
    {"_SelectorSocketTransport.write", socket_write, nullptr, 0},
};

}  // namespace

std::span<const NativeDef> selector_events_natives() { return kSelectorEvents; }

}  // namespace corun
