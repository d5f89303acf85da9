// socket.socket as asyncio's selector transports use it: a non-blocking
// AF_INET stream socket whose calls go to the run's Network (network.h) and
// whose failures are CPython's OSError subclasses with Linux's errno and
// strerror (os_errors.h): BlockingIOError(11, 'Resource temporarily
// unavailable'), ConnectionRefusedError(111, 'Connection refused') ...
//
// It is a builtin class (module `socket`, name `socket`) whose instances
// keep family, type and proto as attributes, as socket.socket's
// properties give them, and the fd (-1 once closed). Its repr is
// socket.py's: <socket.socket fd=6, family=2, type=1, proto=6,
// laddr=('127.0.0.1', 40000), raddr=(...)>, or
// <socket.socket [closed] fd=-1, family=2, type=1, proto=6>.
//
// Addresses: an IPv4 literal, '' (any) or 'localhost'. Only loopback
// (127.0.0.0/8, and 0.0.0.0 to bind all of it) is reachable: on the virtual
// clock nothing else exists; on the real clock the rest needs
// --allow-network. Either refusal is PermissionError(1, 'corun: ...').
#include "engine/asyncio/sockets.h"

#include <arpa/inet.h>

#include <cerrno>

#include "engine/asyncio/event_loops.h"
#include "engine/asyncio/loop.h"
#include "engine/asyncio/loop_methods.h"
#include "engine/python/builtins.h"
#include "engine/python/bytes.h"
#include "engine/python/os_errors.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

constexpr int kAfInet = 2, kSockStream = 1, kIpprotoTcp = 6;
constexpr int kEaiNoname = -2;  // EAI_NONAME: "Name or service not known"
constexpr int kSolSocket = 1, kSoReuseaddr = 2, kSoType = 3, kSoError = 4, kTcpNodelay = 1;

TypeObj* g_socket_type = nullptr;  // this process's socket class (one interpreter at a time, as functools.partial's)

enum Field : size_t { kFamily, kType, kProto, kFd };
const std::string* const* field_names() {
  static const std::string* const names[] = {intern_field_name("family"), intern_field_name("type"),
                                             intern_field_name("proto"), intern_field_name("_fd")};
  return names;
}

Network& network(Interp& in) {
  return *in.loop().network();
}

// A socket object freed unclosed closes its fd, as socket.socket's
// finalizer does in CPython (the peer reads EOF, or an RST if data was
// left unread).
struct SocketObj : InstanceObj {
  std::weak_ptr<Network> net;
  SocketObj(TypeObj* t, std::weak_ptr<Network> n) : InstanceObj(t), net(std::move(n)) {}
  ~SocketObj() override {
    if (fields.size() > kFd && fields[kFd].second.is_int() && fields[kFd].second.as_int() >= 0)
      if (std::shared_ptr<Network> n = net.lock()) n->close(int(fields[kFd].second.as_int()));
  }
};

Value make_socket(Interp& in, int fd, int family, int type, int proto) {
  Ref<InstanceObj> s(new SocketObj(g_socket_type, in.loop().network_ref()));
  auto names = field_names();
  s->fields.emplace_back(names[kFamily], Value::integer(family));
  s->fields.emplace_back(names[kType], Value::integer(type));
  s->fields.emplace_back(names[kProto], Value::integer(proto));
  s->fields.emplace_back(names[kFd], Value::integer(fd));
  return Value(s);
}

InstanceObj* self_socket(Interp& in, CallArgs& a, const char* method) {
  if (a.npos < 1 || !a.pos[0].is(ObjKind::Instance) || a.pos[0].as<InstanceObj>()->type != g_socket_type)
    in.raise(in.builtins().TypeError, std::string("descriptor '") + method + "' requires a 'socket' object");
  return a.pos[0].as<InstanceObj>();
}

int fd_of(InstanceObj* s) { return int(s->fields[kFd].second.as_int()); }
int64_t field_int(InstanceObj* s, Field f) { return s->fields[f].second.as_int(); }

void check_args(Interp& in, CallArgs& a, const char* method, size_t lo, size_t hi) {
  // a.pos[0] is the socket.
  if (a.nkw) in.raise(in.builtins().TypeError, std::string(method) + "() takes no keyword arguments");
  size_t n = a.npos - 1;
  if (n < lo || n > hi) {
    std::string want = lo == hi ? (lo == 0 ? "no arguments" : "exactly " + std::to_string(lo) + " argument" + (lo == 1 ? "" : "s"))
                                : "at most " + std::to_string(hi) + " arguments";
    in.raise(in.builtins().TypeError, std::string(method) + "() takes " + want + " (" + std::to_string(n) + " given)");
  }
}

int64_t check(Interp& in, int64_t r) {
  if (r < 0) raise_os_error(in, int(-r));
  return r;
}

// socket.gaierror(code, text): what getaddrinfo()'s failure raises, its
// errno the (negative) EAI_* code, as socketmodule.c's set_gaierror makes it.
Value make_gaierror(Interp& in, int code, std::string text) {
  std::vector<Value> args{Value::integer(code), make_str(std::move(text))};
  Value e = in.make_exception_args(in.builtins().gaierror, args);
  os_error_fill(e.as<ExcObj>(), {args[0], args[1]});
  return e;
}

// An int argument (bool is one), or CPython's TypeError.
int64_t int_arg(Interp& in, const Value& v) {
  if (!v.is_intlike()) in.raise(in.builtins().TypeError, "'" + in.type_of(v)->name + "' object cannot be interpreted as an integer");
  return v.as_int();
}

Value addr_tuple(const SockAddr& a) { return make_tuple({make_str(a.host), Value::integer(a.port)}); }

// An AF_INET address argument: (host, port), host a literal, '' or 'localhost'.
SockAddr parse_address(Interp& in, const Value& v, const char* method, bool binding) {
  const Builtins& B = in.builtins();
  if (!v.is(ObjKind::Tuple))
    in.raise(B.TypeError, std::string(method) + "(): AF_INET address must be tuple, not " + in.type_of(v)->name);
  auto& items = v.as<TupleObj>()->items;
  if (items.size() != 2)
    in.raise(B.TypeError, std::string("AF_INET address must be a pair (host, port)"));
  if (!items[0].is(ObjKind::Str))
    in.raise(B.TypeError, "str, bytes or bytearray expected, not " + in.type_of(items[0])->name);
  // A big int is out of range too (socketmodule.c reads the port as a C int).
  int64_t port = items[1].is_bigint() ? -1 : int_arg(in, items[1]);
  if (port < 0 || port > 65535) in.raise(B.OverflowError, std::string(method) + "(): port must be 0-65535.");
  std::string host = str_of(items[0]);
  if (host.empty()) host = "0.0.0.0";
  else if (host == "localhost") host = "127.0.0.1";
  in_addr parsed;
  if (inet_pton(AF_INET, host.c_str(), &parsed) != 1) throw PyException{make_gaierror(in, kEaiNoname, "Name or service not known")};
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &parsed, text, sizeof text);
  host = text;
  bool any = host == "0.0.0.0";  // binding: every address of the machine; connecting: this machine
  bool loopback = any || host.rfind("127.", 0) == 0;
  EventLoop& loop = in.loop();
  if (any && binding && loop.mode() == ClockMode::Real && !loop.allow_network)
    throw PyException{make_os_error(in, EPERM, "corun: binding 0.0.0.0 listens beyond loopback; pass --allow-network to do it")};
  if (!loopback) {
    if (loop.mode() == ClockMode::Virtual)
      throw PyException{make_os_error(in, EPERM, "corun: " + host + " is not a loopback address; the virtual network has only loopback (use --clock real --allow-network to reach it)")};
    if (!loop.allow_network)
      throw PyException{make_os_error(in, EPERM, "corun: " + host + " is not a loopback address; pass --allow-network to reach it")};
  }
  return SockAddr{host, int(port)};
}

// ---- the module-level constructor ----------------------------------------------------

// _socket(family=AF_INET, type=SOCK_STREAM, proto=0): a new non-blocking socket.
Value h_socket(Interp& in, const Value&, CallArgs& a) {
  if (a.nkw || a.npos > 3) in.raise(in.builtins().TypeError, "_socket(family=2, type=1, proto=0)");
  int64_t family = a.npos > 0 ? int_arg(in, a.pos[0]) : kAfInet;
  int64_t type = a.npos > 1 ? int_arg(in, a.pos[1]) : kSockStream;
  int64_t proto = a.npos > 2 ? int_arg(in, a.pos[2]) : 0;
  if (family != kAfInet) throw PyException{make_os_error(in, EAFNOSUPPORT)};
  if (type != kSockStream || (proto != 0 && proto != kIpprotoTcp)) throw PyException{make_os_error(in, EPROTONOSUPPORT)};
  int fd = int(check(in, network(in).socket()));
  return make_socket(in, fd, int(family), int(type), int(proto));
}

// ---- socket methods -----------------------------------------------------------------

Value m_fileno(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "fileno");
  check_args(in, a, "fileno", 0, 0);
  return Value::integer(fd_of(s));
}

Value m_bind(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "bind");
  check_args(in, a, "bind", 1, 1);
  SockAddr addr = parse_address(in, a.pos[1], "bind", true);
  check(in, network(in).bind(fd_of(s), addr));
  return Value();
}

Value m_listen(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "listen");
  check_args(in, a, "listen", 0, 1);
  int64_t backlog = a.npos > 1 ? int_arg(in, a.pos[1]) : 128;  // min(SOMAXCONN, 128)
  check(in, network(in).listen(fd_of(s), int(backlog < 0 ? 0 : backlog)));
  return Value();
}

Value m_accept(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "accept");
  check_args(in, a, "accept", 0, 0);
  SockAddr peer;
  int fd = int(check(in, network(in).accept(fd_of(s), peer)));
  Value conn = make_socket(in, fd, int(field_int(s, kFamily)), int(field_int(s, kType)), int(field_int(s, kProto)));
  return make_tuple({conn, addr_tuple(peer)});
}

Value m_connect(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "connect");
  check_args(in, a, "connect", 1, 1);
  SockAddr addr = parse_address(in, a.pos[1], "connect", false);
  check(in, network(in).connect(fd_of(s), addr));
  return Value();
}

Value m_connect_ex(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "connect_ex");
  check_args(in, a, "connect_ex", 1, 1);
  SockAddr addr = parse_address(in, a.pos[1], "connect_ex", false);
  int r = network(in).connect(fd_of(s), addr);
  return Value::integer(r < 0 ? -r : 0);
}

Value m_getsockopt(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "getsockopt");
  check_args(in, a, "getsockopt", 2, 3);
  int64_t level = int_arg(in, a.pos[1]), opt = int_arg(in, a.pos[2]);
  if (a.npos > 3) in.raise(in.builtins().ValueError, "corun: getsockopt() with a buffer length is not supported");
  if (level == kSolSocket && opt == kSoError) return Value::integer(check(in, network(in).so_error(fd_of(s))));
  if (level == kSolSocket && opt == kSoType) return Value::integer(field_int(s, kType));
  throw PyException{make_os_error(in, ENOPROTOOPT)};
}

// setsockopt(level, option, value): accepted (SO_REUSEADDR, TCP_NODELAY,
// SO_KEEPALIVE ...), with no effect on the model.
Value m_setsockopt(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "setsockopt");
  check_args(in, a, "setsockopt", 3, 3);
  if (fd_of(s) < 0) raise_os_error(in, EBADF);
  return Value();
}

Value m_recv(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "recv");
  check_args(in, a, "recv", 1, 2);
  int64_t n = int_arg(in, a.pos[1]);
  if (n < 0) in.raise(in.builtins().ValueError, "negative buffersize in recv");
  if (a.npos > 2 && int_arg(in, a.pos[2]) != 0) in.raise(in.builtins().ValueError, "corun: recv() flags are not supported");
  std::string out;
  check(in, network(in).recv(fd_of(s), size_t(n), out));
  charge(out.size() / kBytesPerUnit);
  return make_bytes(std::move(out));
}

Value m_send(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "send");
  check_args(in, a, "send", 1, 2);
  if (!a.pos[1].is(ObjKind::Bytes))
    in.raise(in.builtins().TypeError, "a bytes-like object is required, not '" + in.type_of(a.pos[1])->name + "'");
  if (a.npos > 2 && int_arg(in, a.pos[2]) != 0) in.raise(in.builtins().ValueError, "corun: send() flags are not supported");
  const std::string& data = bytes_of(a.pos[1]);
  reserve_bytes(data.size());  // the network copies what it takes
  return Value::integer(check(in, network(in).send(fd_of(s), data)));
}

Value m_shutdown(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "shutdown");
  check_args(in, a, "shutdown", 1, 1);
  check(in, network(in).shutdown(fd_of(s), int(int_arg(in, a.pos[1]))));
  return Value();
}

Value m_close(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "close");
  check_args(in, a, "close", 0, 0);
  int fd = fd_of(s);
  if (fd >= 0) {
    s->fields[kFd].second = Value::integer(-1);
    if (Network* net = in.loop().network()) net->close(fd);
  }
  return Value();
}

Value m_getsockname(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "getsockname");
  check_args(in, a, "getsockname", 0, 0);
  SockAddr out;
  check(in, network(in).getsockname(fd_of(s), out));
  return addr_tuple(out);
}

Value m_getpeername(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "getpeername");
  check_args(in, a, "getpeername", 0, 0);
  SockAddr out;
  check(in, network(in).getpeername(fd_of(s), out));
  return addr_tuple(out);
}

// Sockets here are non-blocking only: a blocking call would stop the loop.
Value m_setblocking(Interp& in, const Value&, CallArgs& a) {
  self_socket(in, a, "setblocking");
  check_args(in, a, "setblocking", 1, 1);
  if (in.truthy(a.pos[1])) in.raise(in.builtins().ValueError, "corun: sockets are non-blocking only");
  return Value();
}

Value m_gettimeout(Interp& in, const Value&, CallArgs& a) {
  self_socket(in, a, "gettimeout");
  check_args(in, a, "gettimeout", 0, 0);
  return Value::flt(0.0);
}

Value m_getblocking(Interp& in, const Value&, CallArgs& a) {
  self_socket(in, a, "getblocking");
  check_args(in, a, "getblocking", 0, 0);
  return Value::boolean(false);
}

// socket.py's __repr__.
Value m_repr(Interp& in, const Value&, CallArgs& a) {
  InstanceObj* s = self_socket(in, a, "__repr__");
  int fd = fd_of(s);
  bool closed = fd < 0;
  std::string r = std::string("<socket.socket") + (closed ? " [closed]" : "") + " fd=" + std::to_string(fd) +
                  ", family=" + std::to_string(field_int(s, kFamily)) + ", type=" + std::to_string(field_int(s, kType)) +
                  ", proto=" + std::to_string(field_int(s, kProto));
  if (!closed) {
    Network* net = in.loop().network();
    SockAddr addr;
    if (net && net->getsockname(fd, addr) == 0) r += ", laddr=" + in.repr(addr_tuple(addr));
    if (net && net->getpeername(fd, addr) == 0) r += ", raddr=" + in.repr(addr_tuple(addr));
  }
  return make_str(r + ">");
}

// ---- the selector ---------------------------------------------------------------------

// selectors._fileobj_to_fd: an int, or an object with fileno().
int fileobj_to_fd(Interp& in, const Value& v) {
  int64_t fd;
  if (v.is_int()) fd = v.as_int();
  else {
    Value f;
    try {
      CallArgs none;
      f = in.call_method(v, "fileno", none, nullptr);
    } catch (PyException& e) {
      if (!e.exc.as<ExcObj>()->type->is_subclass_of(in.builtins().AttributeError)) throw;
      in.raise(in.builtins().ValueError, "Invalid file object: " + in.repr(v));
    }
    if (!f.is_int()) in.raise(in.builtins().ValueError, "Invalid file object: " + in.repr(v));
    fd = f.as_int();
  }
  if (fd < 0) in.raise(in.builtins().ValueError, "Invalid file descriptor: " + std::to_string(fd));
  return int(fd);
}

Selector& selector(Interp& in) {
  network(in);
  return *in.loop().selector();
}

// The loop object the prelude's _add_reader etc. act for: the running one,
// else the one that ran last (a transport closed after its loop stopped).
bool loop_closed(Interp& in, const Value& loop) {
  const Value& l = loop.is(ObjKind::Loop) ? loop : in.loops().running.is(ObjKind::Loop) ? in.loops().running : in.loops().last;
  return l.is(ObjKind::Loop) && l.as<LoopObj>()->closed;
}

// BaseSelectorEventLoop._add_reader / _add_writer: `self._check_closed()`,
// then a Handle(callback, args) for the selector.
Value add_io_handle(Interp& in, const Value& loop, CallArgs& a, const char* name, bool writer) {
  if (a.npos < 2 || a.nkw) in.raise(in.builtins().TypeError, std::string(name) + "() takes an fd, a callback and its arguments");
  if (loop_closed(in, loop)) in.raise(in.builtins().RuntimeError, "Event loop is closed");
  int fd = fileobj_to_fd(in, a.pos[0]);
  Ref<HandleObj> h(new HandleObj(run_callable_handle, a.pos[1], make_tuple(std::vector<Value>(a.pos + 2, a.pos + a.npos))));
  in.loop().note_scheduler(h.get());
  // selector.register / modify raise epoll's OSError (an fd that is not open: EBADF).
  check(in, writer ? selector(in).add_writer(fd, h) : selector(in).add_reader(fd, h));
  return Value(h);
}

// _remove_reader / _remove_writer: False once the loop is closed.
Value remove_io_handle(Interp& in, const Value& loop, CallArgs& a, const char* name, bool writer) {
  if (a.npos != 1 || a.nkw) in.raise(in.builtins().TypeError, std::string(name) + "() takes one fd");
  if (loop_closed(in, loop)) return Value::boolean(false);
  int fd = fileobj_to_fd(in, a.pos[0]);
  Selector* sel = in.loop().selector();
  return Value::boolean(sel && check(in, writer ? sel->remove_writer(fd) : sel->remove_reader(fd)) == 1);
}

// _add_reader(fd, callback, *args) -> Handle, and the other three.
Value h_add_reader(Interp& in, const Value&, CallArgs& a) { return add_io_handle(in, Value(), a, "_add_reader", false); }
Value h_add_writer(Interp& in, const Value&, CallArgs& a) { return add_io_handle(in, Value(), a, "_add_writer", true); }
Value h_remove_reader(Interp& in, const Value&, CallArgs& a) { return remove_io_handle(in, Value(), a, "_remove_reader", false); }
Value h_remove_writer(Interp& in, const Value&, CallArgs& a) { return remove_io_handle(in, Value(), a, "_remove_writer", true); }

}  // namespace

namespace {

// A socket made here, with no attribute of its own to stand for a method.
bool plain_socket(const Value& v) {
  return v.is(ObjKind::Instance) && v.as<InstanceObj>()->type == g_socket_type && !v.as<InstanceObj>()->extra_fields;
}

Value socket_call(Interp& in, const Value& sock, const Value& arg, Builtin method, const std::string& name) {
  if (plain_socket(sock)) {
    Value args[2] = {sock, arg};
    CallArgs a;
    a.pos = args;
    a.npos = 2;
    return method(in, Value(), a);
  }
  CallArgs a;
  a.pos = &arg;
  a.npos = 1;
  return in.call_method(sock, name, a, nullptr);
}

}  // namespace

Value socket_send(Interp& in, const Value& sock, const Value& data) {
  static const std::string kSend = "send";
  return socket_call(in, sock, data, m_send, kSend);
}

Value socket_recv(Interp& in, const Value& sock, const Value& bufsize) {
  static const std::string kRecv = "recv";
  return socket_call(in, sock, bufsize, m_recv, kRecv);
}

int socket_connect_errno(Interp& in, const Value& sock, const Value& address) {
  if (!plain_socket(sock)) return -1;
  InstanceObj* s = sock.as<InstanceObj>();
  SockAddr addr = parse_address(in, address, "connect", false);
  int r = network(in).connect(fd_of(s), addr);
  return r < 0 ? -r : 0;
}

// loop.add_reader(fd, callback, *args) and the rest: the same table.
// (CPython first refuses an fd a transport of the loop uses,
// _ensure_fd_no_transport; scenarios cannot reach a transport's fd.)
Value loop_add_reader(Interp& in, const Value& self, CallArgs& a) {
  add_io_handle(in, self, a, "add_reader", false);
  return Value();
}
Value loop_add_writer(Interp& in, const Value& self, CallArgs& a) {
  add_io_handle(in, self, a, "add_writer", true);
  return Value();
}
Value loop_remove_reader(Interp& in, const Value& self, CallArgs& a) { return remove_io_handle(in, self, a, "remove_reader", false); }
Value loop_remove_writer(Interp& in, const Value& self, CallArgs& a) { return remove_io_handle(in, self, a, "remove_writer", true); }

void add_socket_helpers(Interp&, Builtins& b) {
  auto* t = new TypeObj("socket", "socket", b.object, TypeKind::Builtin);
  b.owned.push_back(Value(t));
  auto method = [&](const char* name, Builtin f) {
    Ref<BuiltinObj> m(new BuiltinObj(name, f));
    m->binds = true;  // a method: bound to the socket it is read from
    t->class_attrs.emplace_back(name, Value(m));
  };
  method("fileno", m_fileno);
  method("bind", m_bind);
  method("listen", m_listen);
  method("accept", m_accept);
  method("connect", m_connect);
  method("connect_ex", m_connect_ex);
  method("getsockopt", m_getsockopt);
  method("setsockopt", m_setsockopt);
  method("recv", m_recv);
  method("send", m_send);
  method("shutdown", m_shutdown);
  method("close", m_close);
  method("getsockname", m_getsockname);
  method("getpeername", m_getpeername);
  method("setblocking", m_setblocking);
  method("gettimeout", m_gettimeout);
  method("getblocking", m_getblocking);
  t->class_attrs.emplace_back("__repr__", Value(new BuiltinObj("__repr__", [](Interp& in, const Value& self, CallArgs&) -> Value {
    Value pos[1] = {self};
    CallArgs a;
    a.pos = pos;
    a.npos = 1;
    return m_repr(in, Value(), a);
  })));
  g_socket_type = t;

  auto fn = [&](const char* name, Builtin f) { b.values[size_t(builtin_index(name))] = Value(new BuiltinObj(name, f)); };
  auto constant = [&](const char* name, int v) { b.values[size_t(builtin_index(name))] = Value::integer(v); };
  fn("_socket", h_socket);
  fn("_add_reader", h_add_reader);
  fn("_remove_reader", h_remove_reader);
  fn("_add_writer", h_add_writer);
  fn("_remove_writer", h_remove_writer);
  constant("_AF_INET", kAfInet);
  constant("_SOCK_STREAM", kSockStream);
  constant("_IPPROTO_TCP", kIpprotoTcp);
  constant("_SOL_SOCKET", kSolSocket);
  constant("_SO_ERROR", kSoError);
  constant("_SO_REUSEADDR", kSoReuseaddr);
  constant("_TCP_NODELAY", kTcpNodelay);
  constant("_SHUT_RD", 0);
  constant("_SHUT_WR", 1);
  constant("_SHUT_RDWR", 2);

  // The socket module, as far as a scenario meets it: the exceptions its
  // calls raise (socket.error and socket.timeout are OSError and
  // TimeoutError since Python 3.3 and 3.10).
  Ref<ModuleObj> m(new ModuleObj("socket"));
  m->attrs.emplace_back("error", Value(b.OSError));
  m->attrs.emplace_back("gaierror", Value(b.gaierror));
  m->attrs.emplace_back("herror", Value(b.herror));
  m->attrs.emplace_back("timeout", Value(b.TimeoutError));
  b.values[size_t(builtin_index("socket"))] = Value(m);
}

}  // namespace corun
