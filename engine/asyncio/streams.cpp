// Lib/asyncio/streams.py (3.11), the methods an echo or a line protocol
// runs per message, ported line by line: StreamReader's buffer and its
// waiter (feed_data, feed_eof, at_eof, exception, _wakeup_waiter,
// _maybe_resume_transport, _wait_for_data, readuntil, readline),
// StreamReaderProtocol.data_received, and the writer's side, StreamWriter's
// write and drain and FlowControlMixin._drain_helper. read, readexactly,
// the flow control's pause and resume and the rest stay in the prelude
// (engine/asyncio/prelude/streams.yaml), which calls these.
//
// Where streams.py calls a method of self (self._wakeup_waiter(),
// self._wait_for_data(...), readline's self.readuntil(sep)) the port runs
// that port's C++ directly, as the lock ports do (a scenario cannot derive
// from asyncio.StreamReader). What the transport does (pause_reading,
// resume_reading) and a `_loop` or `_waiter` that is not corun's own are
// called by name, through the interpreter.
//
// The buffer is a bytes object (CPython's is a bytearray); feed_data
// appends to it as bytearray.extend does, in place when nothing else holds
// it (which no one can observe), instead of copying it for every chunk.
#include "engine/asyncio/streams.h"

#include <string>

#include "engine/asyncio/asyncio_module.h"
#include "engine/asyncio/method_calls.h"
#include "engine/asyncio/native_self.h"
#include "engine/python/builtins.h"
#include "engine/python/bytes.h"
#include "engine/python/subscripts.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

// ---- StreamReader's fields ---------------------------------------------------------------
// fields: _limit, _loop, _buffer, _eof, _waiter, _exception, _transport, _paused

constexpr size_t kLimit = 0, kLoop = 1, kBuffer = 2, kEof = 3, kWaiter = 4, kException = 5, kTransport = 6, kPaused = 7;

Value& limit_f(Interp& in, const Value& s) { return native_field(in, s, kLimit, "_limit"); }
Value& buffer_f(Interp& in, const Value& s) { return native_field(in, s, kBuffer, "_buffer"); }
Value& eof_f(Interp& in, const Value& s) { return native_field(in, s, kEof, "_eof"); }
Value& waiter_f(Interp& in, const Value& s) { return native_field(in, s, kWaiter, "_waiter"); }
Value& exception_f(Interp& in, const Value& s) { return native_field(in, s, kException, "_exception"); }
Value& transport_f(Interp& in, const Value& s) { return native_field(in, s, kTransport, "_transport"); }
Value& paused_f(Interp& in, const Value& s) { return native_field(in, s, kPaused, "_paused"); }

// ---- the buffer's operations: bytes in C++, anything else as Python would ------------------

// a <op> b, for the ints these nearly always are
bool cmp(Interp& in, CmpOp op, const Value& a, const Value& b) {
  if (a.is_int() && b.is_int() && op <= CmpOp::Ne) return int_compare(op, a.as_int(), b.as_int());
  return in.compare(op, a, b);
}

// a + b, a - b
Value arith(Interp& in, BinOp op, const Value& a, const Value& b) {
  int64_t r;
  if (a.is_int() && b.is_int() &&
      !(op == BinOp::Add ? __builtin_add_overflow(a.as_int(), b.as_int(), &r) : __builtin_sub_overflow(a.as_int(), b.as_int(), &r)))
    return Value::integer(r);
  return in.binary_op(op, a, b);
}

// buffer.find(separator, offset)
Value buffer_find(Interp& in, const Value& buf, const Value& sep, const Value& offset) {
  if (buf.is(ObjKind::Bytes) && sep.is(ObjKind::Bytes) && offset.is_int() && offset.as_int() >= 0) {
    const std::string& b = bytes_of(buf);
    size_t from = size_t(offset.as_int());
    if (from > b.size()) return Value::integer(-1);
    charge((b.size() - from) / kBytesPerUnit);
    size_t at = b.find(bytes_of(sep), from);
    return Value::integer(at == std::string::npos ? -1 : int64_t(at));
  }
  static const std::string kFind = "find";
  return call_method0(in, buf, kFind, {sep, offset});
}

// buffer[lo:hi] (None for an open end)
Value buffer_slice(Interp& in, const Value& buf, const Value& lo, const Value& hi) {
  if (buf.is(ObjKind::Bytes) && (lo.is_none() || (lo.is_int() && lo.as_int() >= 0)) &&
      (hi.is_none() || (hi.is_int() && hi.as_int() >= 0))) {
    const std::string& b = bytes_of(buf);
    size_t from = lo.is_none() ? 0 : std::min(size_t(lo.as_int()), b.size());
    size_t to = hi.is_none() ? b.size() : std::min(size_t(hi.as_int()), b.size());
    if (to <= from) return make_bytes(std::string());
    reserve_bytes(to - from);
    return make_bytes(b.substr(from, to - from));
  }
  return slice_value(in, buf, lo, hi, Value());
}

Value empty_bytes() { return make_bytes(std::string()); }

// An exception of the prelude's (asyncio.LimitOverrunError, ...), made by calling its class.
Value prelude_exception(Interp& in, std::string_view cls, std::vector<Value> args) {
  return in.call0(in.prelude_function(cls), std::move(args));
}

// ---- StreamReader --------------------------------------------------------------------------

// _wakeup_waiter(): wakeup read*() functions waiting for data or EOF.
void wakeup_waiter(Interp& in, const Value& self) {
  Value waiter = waiter_f(in, self);
  if (waiter.is_none()) return;
  waiter_f(in, self) = Value();
  static const std::string kCancelled = "cancelled", kSetResult = "set_result";
  if (waiter.is(ObjKind::Future)) {
    FutureObj* f = waiter.as<FutureObj>();
    if (f->state != FutureObj::State::Cancelled) in.future_set_result(f, Value());
    return;
  }
  if (!in.truthy(call_method0(in, waiter, kCancelled))) call_method0(in, waiter, kSetResult, {Value()});
}

Value reader_wakeup_waiter(Interp& in, Value* s) {
  wakeup_waiter(in, s[0]);
  return Value();
}

// _maybe_resume_transport()
void maybe_resume_transport(Interp& in, const Value& self) {
  if (!in.truthy(paused_f(in, self))) return;
  if (!cmp(in, CmpOp::Le, py_len(in, buffer_f(in, self)), limit_f(in, self))) return;
  paused_f(in, self) = Value::boolean(false);
  static const std::string kResume = "resume_reading";
  call_method0(in, Value(transport_f(in, self)), kResume);
}

Value reader_maybe_resume_transport(Interp& in, Value* s) {
  maybe_resume_transport(in, s[0]);
  return Value();
}

// feed_eof()
Value reader_feed_eof(Interp& in, Value* s) {
  eof_f(in, s[0]) = Value::boolean(true);
  wakeup_waiter(in, s[0]);
  return Value();
}

// at_eof(): return self._eof and not self._buffer
Value reader_at_eof(Interp& in, Value* s) {
  Value eof = eof_f(in, s[0]);
  if (!in.truthy(eof)) return eof;
  return Value::boolean(!in.truthy(Value(buffer_f(in, s[0]))));
}

// exception()
Value reader_exception(Interp& in, Value* s) {
  return exception_f(in, s[0]);
}

// bytearray.extend(data)'s bytes, for data that is not bytes: an
// iterable of ints in range(256) (bytearray_extend in bytearrayobject.c,
// its messages); nothing is appended when an item is refused.
std::string extend_items(Interp& in, const Value& data) {
  if (data.is(ObjKind::Str)) in.raise(in.builtins().TypeError, "'str' object cannot be interpreted as an integer");
  Value it;
  try {
    it = in.get_iter(data);
  } catch (PyException& e) {
    if (!in.exc_matches(e.exc, Value(in.builtins().TypeError))) throw;
    in.raise(in.builtins().TypeError, "can't extend bytearray with " + in.type_of(data)->name);
  }
  std::string out;
  for (const Value& x : in.to_vector(it)) {
    if (!x.is_integer()) in.raise(in.builtins().TypeError, "'" + in.type_of(x)->name + "' object cannot be interpreted as an integer");
    if (!x.is_intlike() || x.as_int() < 0 || x.as_int() > 255) in.raise(in.builtins().ValueError, "byte must be in range(0, 256)");
    out += char(x.as_int());
  }
  return out;
}

// feed_data(data)
Value reader_feed_data(Interp& in, Value* s) {
  const Value& self = s[0];
  const Value& data = s[1];
  if (in.truthy(eof_f(in, self))) in.raise_value(in.make_exception_args(in.builtins().AssertionError, {make_str("feed_data after feed_eof")}));
  if (!in.truthy(data)) return Value();
  // self._buffer.extend(data)
  Value& buf = buffer_f(in, self);
  if (buf.is(ObjKind::Bytes)) {
    std::string more;
    const std::string& add = data.is(ObjKind::Bytes) ? bytes_of(data) : (more = extend_items(in, data));
    reserve_bytes(add.size());
    if (buf.obj()->refs == 1) {
      buf.as<BytesObj>()->b += add;  // only the field holds it: no one sees it change
    } else {
      std::string joined;
      joined.reserve(bytes_of(buf).size() + add.size());
      joined = bytes_of(buf);
      joined += add;
      buf = make_bytes(std::move(joined));
    }
  } else {  // a buffer the user replaced: its own extend()
    static const std::string kExtend = "extend";
    call_method0(in, Value(buf), kExtend, {data});
  }
  wakeup_waiter(in, self);
  // Pause the transport once more than twice the limit is buffered.
  if (transport_f(in, self).is_none() || in.truthy(paused_f(in, self))) return Value();
  Value twice = in.binary_op(BinOp::Mul, Value::integer(2), Value(limit_f(in, self)));
  if (!cmp(in, CmpOp::Gt, py_len(in, buffer_f(in, self)), twice)) return Value();
  static const std::string kPause = "pause_reading";
  try {
    call_method0(in, Value(transport_f(in, self)), kPause);
  } catch (PyException& e) {
    if (!in.exc_matches(e.exc, Value(in.builtins().NotImplementedError))) throw;
    // The transport can't be paused. We'll just have to buffer all data.
    // Forget the transport so we don't keep trying.
    transport_f(in, self) = Value();
    return Value();
  }
  paused_f(in, self) = Value::boolean(true);
  return Value();
}

// _wait_for_data(func_name), up to its `await self._waiter`: the future to
// wait on. Two read coroutines at once would not know which gets the next
// data: the second is a RuntimeError.
Value start_wait(Interp& in, const Value& self, const Value& func_name) {
  if (!waiter_f(in, self).is_none()) {
    std::string name = func_name.is(ObjKind::Str) ? str_of(func_name) : in.str(func_name);
    in.raise(in.builtins().RuntimeError, name + "() called while another coroutine is already waiting for incoming data");
  }
  if (in.truthy(eof_f(in, self)))
    in.raise_value(in.make_exception_args(in.builtins().AssertionError, {make_str("_wait_for_data after EOF")}));
  // Waiting for data while paused will make deadlock, so prevent it.
  // This is essential for readexactly(n) for case when n > self._limit.
  if (in.truthy(paused_f(in, self))) {
    paused_f(in, self) = Value::boolean(false);
    static const std::string kResume = "resume_reading";
    call_method0(in, Value(transport_f(in, self)), kResume);
  }
  Value loop = native_field(in, self, kLoop, "_loop");
  static const std::string kCreateFuture = "create_future";
  Value waiter = loop.is(ObjKind::Loop) ? Value(in.create_future()) : call_method0(in, loop, kCreateFuture);
  waiter_f(in, self) = waiter;
  return waiter;
}

// _wait_for_data's `finally: self._waiter = None`, then what the await gave.
void end_wait(Interp& in, const Value& self, Resume how, Value& v) {
  waiter_f(in, self) = Value();
  if (how == Resume::Throw) in.raise_value(std::move(v));
}

// async _wait_for_data(func_name); slots: self, func_name, label
NativeStep reader_wait_for_data(Interp& in, Value* s, Resume how, Value v) {
  if (label_of(s, 2) == 0) {
    s[2] = Value::integer(1);
    return NativeStep::await(start_wait(in, s[0], s[1]));
  }
  end_wait(in, s[0], how, v);
  return NativeStep::ret();
}

// What readuntil's loop found.
struct Scan {
  enum Kind { Found, Wait, Eof, Overrun } kind = Wait;
  Value chunk;            // Found: the data and the separator; Eof: the whole buffer
  const char* message = nullptr;  // Overrun
  Value consumed;         // Overrun
};

// One pass of readuntil's `while True:` over the buffer, from `offset`
// (the bytes before it hold no separator; updated here).
Scan scan(Interp& in, const Value& self, const Value& separator, const Value& seplen, Value& offset) {
  Value isep;
  while (true) {
    Value buflen = py_len(in, buffer_f(in, self));
    // Check if we now have enough data in the buffer for `separator` to fit.
    if (cmp(in, CmpOp::Ge, arith(in, BinOp::Sub, buflen, offset), seplen)) {
      isep = buffer_find(in, buffer_f(in, self), separator, offset);
      if (cmp(in, CmpOp::Ne, isep, Value::integer(-1))) break;  // `separator` is in the buffer
      // The last seplen - 1 bytes may start a separator.
      offset = arith(in, BinOp::Sub, arith(in, BinOp::Add, buflen, Value::integer(1)), seplen);
      if (cmp(in, CmpOp::Gt, offset, limit_f(in, self)))
        return {Scan::Overrun, Value(), "Separator is not found, and chunk exceed the limit", offset};
    }
    // A complete message may be in the buffer even when EOF is set: EOF
    // is checked *after* inspecting the buffer.
    if (in.truthy(eof_f(in, self))) {
      Value chunk = buffer_f(in, self);
      buffer_f(in, self) = empty_bytes();
      return {Scan::Eof, std::move(chunk), nullptr, Value()};
    }
    return {Scan::Wait, Value(), nullptr, Value()};
  }
  if (cmp(in, CmpOp::Gt, isep, limit_f(in, self)))
    return {Scan::Overrun, Value(), "Separator is found, but chunk is longer than limit", isep};
  Value end = arith(in, BinOp::Add, isep, seplen);
  Value chunk = buffer_slice(in, buffer_f(in, self), Value(), end);
  buffer_f(in, self) = buffer_slice(in, buffer_f(in, self), end, Value());
  maybe_resume_transport(in, self);
  return {Scan::Found, std::move(chunk), nullptr, Value()};
}

// readuntil's checks before its loop: the separator's length.
Value separator_length(Interp& in, const Value& self, const Value& separator) {
  Value seplen = py_len(in, separator);
  if (cmp(in, CmpOp::Eq, seplen, Value::integer(0)))
    in.raise_value(in.make_exception_args(in.builtins().ValueError, {make_str("Separator should be at least one-byte string")}));
  if (Value exc = exception_f(in, self); !exc.is_none()) in.raise_value(std::move(exc));
  return seplen;
}

// async readuntil(separator=b'\n'); slots: self, separator, label, offset, seplen
NativeStep reader_readuntil(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  const Value& separator = s[1];
  if (label_of(s, 2) == 0) {
    s[4] = separator_length(in, self, separator);
    // `offset` is the number of bytes from the beginning of the buffer
    // where there is no occurrence of `separator`.
    s[3] = Value::integer(0);
  } else {
    end_wait(in, self, how, v);  // the `await self._wait_for_data('readuntil')`
  }
  Scan r = scan(in, self, separator, s[4], s[3]);
  switch (r.kind) {
    case Scan::Found: return NativeStep::ret(std::move(r.chunk));
    case Scan::Overrun: in.raise_value(prelude_exception(in, "LimitOverrunError", {make_str(r.message), r.consumed}));
    case Scan::Eof: in.raise_value(prelude_exception(in, "IncompleteReadError", {r.chunk, Value()}));
    case Scan::Wait: break;
  }
  s[2] = Value::integer(1);
  return NativeStep::await(start_wait(in, self, make_str("readuntil")));
}

// readline's `except LimitOverrunError as e:` -- the line (or, when the
// separator is not there, the whole buffer) is dropped, and the error is a
// ValueError with e as its __context__.
[[noreturn]] void readline_overrun(Interp& in, const Value& self, const Value& sep, const Value& seplen, Value e) {
  Value consumed = in.get_attr(e, "consumed");
  const Value& buf = buffer_f(in, self);
  bool starts;  // self._buffer.startswith(sep, e.consumed)
  if (buf.is(ObjKind::Bytes) && consumed.is_int() && consumed.as_int() >= 0) {
    const std::string& b = bytes_of(buf);
    size_t at = size_t(consumed.as_int());
    starts = at < b.size() && b.compare(at, 1, "\n") == 0;
  } else {
    static const std::string kStartswith = "startswith";
    starts = in.truthy(call_method0(in, buf, kStartswith, {sep, consumed}));
  }
  // del self._buffer[:e.consumed + seplen], or self._buffer.clear()
  if (starts) buffer_f(in, self) = buffer_slice(in, buffer_f(in, self), arith(in, BinOp::Add, consumed, seplen), Value());
  else buffer_f(in, self) = empty_bytes();
  maybe_resume_transport(in, self);
  // raise ValueError(e.args[0])
  Value raised = in.make_exception_args(in.builtins().ValueError, {in.subscript(in.get_attr(e, "args"), Value::integer(0))});
  raised.as<ExcObj>()->context = std::move(e);
  in.raise_value(std::move(raised));
}

// async readline(): `await self.readuntil(b'\n')`, whose
// IncompleteReadError gives the partial line and whose LimitOverrunError
// is readline_overrun's; slots: self, label, offset, sep (b'\n')
NativeStep reader_readline(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  const Value seplen = Value::integer(1);
  if (label_of(s, 1) == 0) s[3] = make_bytes("\n");
  const Value& sep = s[3];
  Scan r;
  try {  // try: line = await self.readuntil(sep)
    if (label_of(s, 1) == 0) {
      separator_length(in, self, sep);
      s[2] = Value::integer(0);
    } else {
      end_wait(in, self, how, v);
    }
    r = scan(in, self, sep, seplen, s[2]);
  } catch (PyException& e) {
    // An exception set on the stream (set_exception) may be either kind too.
    if (in.exc_matches(e.exc, in.prelude_function("IncompleteReadError"))) return NativeStep::ret(in.get_attr(e.exc, "partial"));
    if (in.exc_matches(e.exc, in.prelude_function("LimitOverrunError"))) readline_overrun(in, self, sep, seplen, std::move(e.exc));
    throw;
  }
  switch (r.kind) {
    case Scan::Found: return NativeStep::ret(std::move(r.chunk));
    case Scan::Eof: return NativeStep::ret(std::move(r.chunk));  // except IncompleteReadError as e: return e.partial
    case Scan::Overrun:
      readline_overrun(in, self, sep, seplen, prelude_exception(in, "LimitOverrunError", {make_str(r.message), r.consumed}));
    case Scan::Wait: break;
  }
  s[1] = Value::integer(1);
  return NativeStep::await(start_wait(in, self, make_str("readuntil")));
}

// ---- StreamReaderProtocol -----------------------------------------------------------------
// fields: FlowControlMixin's _loop, _paused, _drain_waiters, _connection_lost, then
// _stream_reader, _reject_connection, _stream_writer, _task, _transport, ...

constexpr size_t kMixinLoop = 0, kMixinPaused = 1, kDrainWaiters = 2, kConnectionLost = 3, kStreamReader = 4;

// data_received(data)
Value protocol_data_received(Interp& in, Value* s) {
  Value reader = native_field(in, s[0], kStreamReader, "_stream_reader");
  if (!reader.is_none()) call_method(in, reader, "feed_data", s[1]);
  return Value();
}

// async FlowControlMixin._drain_helper(); slots: self, label, waiter
NativeStep mixin_drain_helper(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  static const std::string kRemove = "remove", kAppend = "append", kCreateFuture = "create_future";
  if (label_of(s, 1) == 1) {
    // finally: self._drain_waiters.remove(waiter)
    call_method0(in, Value(native_field(in, self, kDrainWaiters, "_drain_waiters")), kRemove, {s[2]});
    if (how == Resume::Throw) in.raise_value(std::move(v));
    return NativeStep::ret();
  }
  if (in.truthy(native_field(in, self, kConnectionLost, "_connection_lost")))
    in.raise_value(in.make_exception_args(in.builtins().ConnectionResetError, {make_str("Connection lost")}));
  if (!in.truthy(native_field(in, self, kMixinPaused, "_paused"))) return NativeStep::ret();
  Value loop = native_field(in, self, kMixinLoop, "_loop");
  Value waiter = loop.is(ObjKind::Loop) ? Value(in.create_future()) : call_method0(in, loop, kCreateFuture);
  call_method0(in, Value(native_field(in, self, kDrainWaiters, "_drain_waiters")), kAppend, {waiter});
  s[2] = waiter;
  s[1] = Value::integer(1);
  return NativeStep::await(std::move(waiter));
}
constexpr int kDrainHelperLocals = 2;

// ---- StreamWriter --------------------------------------------------------------------------
// fields: _transport, transport, _protocol, _reader, _loop, _complete_fut

constexpr size_t kWriterTransport = 0, kWriterProtocol = 2, kWriterReader = 3;

// write(data): self._transport.write(data)
Value writer_write(Interp& in, Value* s) {
  call_method(in, Value(native_field(in, s[0], kWriterTransport, "_transport")), "write", s[1]);
  return Value();
}

// async drain(); slots: self, label, then the _drain_helper() awaited
// (await_room(kDrainHelperLocals) slots).
NativeStep writer_drain(Interp& in, Value* s, Resume how, Value v) {
  const Value& self = s[0];
  Value* helper = s + 2;
  switch (label_of(s, 1)) {
    case 0: {
      Value reader = native_field(in, self, kWriterReader, "_reader");
      if (!reader.is_none()) {
        Value exc = call_method(in, reader, "exception");
        if (!exc.is_none()) in.raise_value(std::move(exc));
      }
      if (in.truthy(call_method(in, Value(native_field(in, self, kWriterTransport, "_transport")), "is_closing"))) {
        // Wait for protocol.connection_lost() call
        // Raise connection closing error if any,
        // ConnectionResetError otherwise
        // Yield to the event loop so connection_lost() may be
        // called.  Without this, _drain_helper() would return
        // immediately, and code that calls
        //     write(...); await drain()
        // in a loop would never call connection_lost(), so it
        // would not see an error when the socket is closed.
        s[1] = Value::integer(1);
        return NativeStep::await(sleep_coroutine(in, Value::integer(0)));
      }
      how = Resume::Start;
      v = Value();
      break;
    }
    case 1:  // the sleep(0) is done
      if (how == Resume::Throw) in.raise_value(std::move(v));
      how = Resume::Start;
      v = Value();
      break;
    default:
      break;
  }
  s[1] = Value::integer(2);
  // await self._protocol._drain_helper()
  NativeStep r = await_method(in, Value(native_field(in, self, kWriterProtocol, "_protocol")), "_drain_helper", helper,
                              await_room(kDrainHelperLocals), how, std::move(v));
  if (r.kind == NativeStep::Kind::Return) return NativeStep::ret();
  return r;
}

const NativeDef kStreams[] = {
    {"StreamReader._wakeup_waiter", reader_wakeup_waiter, nullptr, 0},
    {"StreamReader._maybe_resume_transport", reader_maybe_resume_transport, nullptr, 0},
    {"StreamReader.feed_eof", reader_feed_eof, nullptr, 0},
    {"StreamReader.at_eof", reader_at_eof, nullptr, 0},
    {"StreamReader.exception", reader_exception, nullptr, 0},
    {"StreamReader.feed_data", reader_feed_data, nullptr, 0},
    {"StreamReader._wait_for_data", nullptr, reader_wait_for_data, 1},
    {"StreamReader.readuntil", nullptr, reader_readuntil, 3},
    {"StreamReader.readline", nullptr, reader_readline, 3},
    {"StreamReaderProtocol.data_received", protocol_data_received, nullptr, 0},
    {"_streams_FlowControlMixin._drain_helper", nullptr, mixin_drain_helper, kDrainHelperLocals},
    {"StreamWriter.write", writer_write, nullptr, 0},
    {"StreamWriter.drain", nullptr, writer_drain, 1 + await_room(kDrainHelperLocals)},
};

}  // namespace

std::span<const NativeDef> streams_natives() { return kStreams; }

}  // namespace corun
