// The network a run's sockets live on, and the selector's view of it: the
// one interface the socket object (engine/asyncio/sockets.cpp) and the
// loop's I/O phase (EventLoop::run_once, where CPython's _run_once calls
// self._selector.select(timeout)) use, whichever clock the run has.
//
//   * VirtualNetwork (engine/asyncio/virtual_network.h; the virtual clock,
//     the default): an in-memory model of Linux loopback TCP and a
//     level-triggered epoll, so callbacks run in the order CPython's
//     selector loop runs them on real loopback sockets;
//   * OsNetwork (--clock real): real non-blocking sockets, waited on
//     through the loop's libevent base.
//
// The interface is plain C++ with Linux errno values: the socket object
// turns a negative result into CPython's OSError subclass (BlockingIOError,
// ConnectionRefusedError, ...). Addresses are AF_INET (host, port); the
// socket object has already refused a non-loopback host unless the run
// allows the network, so a backend may assume it is allowed.
//
// The loop makes its Network on the first _socket() call: a run without
// sockets has none, and its I/O phase costs nothing.
#pragma once

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct event_base;  // libevent's

namespace corun {

// selectors.EVENT_READ / EVENT_WRITE: the masks register() and select() use.
constexpr int kEventRead = 1;
constexpr int kEventWrite = 2;

struct SockAddr {
  std::string host;  // dotted IPv4, as getsockname() returns it ("0.0.0.0" when bound to any)
  int port = 0;
};

class Network {
 public:
  virtual ~Network() = default;

  // socket(AF_INET, SOCK_STREAM) made non-blocking: the new fd, or -errno
  // (-EMFILE). Fds are the lowest free numbers, as the kernel gives them.
  virtual int socket() = 0;

  // Every call below takes an fd socket() or accept() returned; a closed or
  // unknown fd is -EBADF. Results are 0 (or a count) on success, -errno on
  // failure.

  // bind((host, port)): port 0 takes an ephemeral port. -EADDRINUSE when
  // another socket is bound to that port (SO_REUSEADDR does not help a
  // listener), -EINVAL if already bound, -EADDRNOTAVAIL for a host that is
  // not this machine's.
  virtual int bind(int fd, const SockAddr& addr) = 0;
  // listen(backlog): binds an ephemeral port first if unbound.
  virtual int listen(int fd, int backlog) = 0;
  // accept(): a new connected fd (non-blocking) and the peer's address;
  // -EAGAIN when the accept queue is empty, -EINVAL if not listening.
  virtual int accept(int fd, SockAddr& peer) = 0;
  // connect((host, port)) on a non-blocking socket: -EINPROGRESS (Linux
  // never connects a TCP socket at once, even on loopback, and a refused
  // loopback connect is also EINPROGRESS, then SO_ERROR = ECONNREFUSED and
  // the fd writable); -EALREADY while one is in progress, -EISCONN after.
  virtual int connect(int fd, const SockAddr& addr) = 0;
  // getsockopt(SOL_SOCKET, SO_ERROR): the pending error (0 or a positive
  // errno), which reading clears.
  virtual int so_error(int fd) = 0;
  // recv(n): appends up to n bytes to `out` and returns how many; 0 at EOF
  // (peer shut down its write side or closed); -EAGAIN when nothing is
  // buffered; -ECONNRESET once after an RST (then 0); -ENOTCONN if never
  // connected.
  virtual int64_t recv(int fd, size_t n, std::string& out) = 0;
  // send(data): how many bytes the send buffer took (possibly fewer than
  // asked); -EAGAIN when it is full; -EPIPE after our own shutdown(SHUT_WR)
  // or once the peer's RST has been consumed; -ECONNRESET when an RST is
  // pending; -ENOTCONN if never connected.
  virtual int64_t send(int fd, std::string_view data) = 0;
  // shutdown(how): SHUT_RD = 0, SHUT_WR = 1 (the peer reads EOF), SHUT_RDWR = 2.
  // -ENOTCONN if not connected.
  virtual int shutdown(int fd, int how) = 0;
  // close(): the fd is freed (and leaves the selector). Closing with unread
  // received data resets the connection (the peer sees ECONNRESET);
  // otherwise the peer reads EOF.
  virtual int close(int fd) = 0;
  virtual int getsockname(int fd, SockAddr& out) = 0;
  // -ENOTCONN unless connected.
  virtual int getpeername(int fd, SockAddr& out) = 0;

  // The selector (EpollSelector under BaseSelectorEventLoop): epoll_ctl.
  // `mask` is the EVENT_READ|EVENT_WRITE interest in fd. Add: -EEXIST if
  // registered already; Mod, Del: -ENOENT if not registered (a closed fd
  // leaves epoll by itself, and a new socket that reuses its number is not
  // registered); any op on an fd that is not open: -EBADF. EpollSelector
  // raises Add's and Mod's errors and ignores Del's.
  enum class EpollOp { Add, Mod, Del };
  virtual int epoll_ctl(EpollOp op, int fd, int mask) = 0;
  // epoll_ctl with the op `mask` calls for: Del for 0, else Mod, or Add
  // when the fd is not registered yet (for tests and tools; the selector
  // knows its op).
  void set_interest(int fd, int mask) {
    if (!mask) {
      epoll_ctl(EpollOp::Del, fd, 0);
      return;
    }
    if (epoll_ctl(EpollOp::Mod, fd, mask) == -ENOENT) epoll_ctl(EpollOp::Add, fd, mask);
  }
  // selector.select(timeout): waits up to timeout_ns (0 = poll, -1 =
  // forever; the virtual network never waits) and appends (fd, events) to
  // `events` in the order epoll_wait reports them, events already mapped as
  // EpollSelector does (EPOLLIN -> READ, EPOLLOUT -> WRITE, EPOLLERR/HUP ->
  // both) and masked by the fd's interest. On the real clock it also
  // returns early on Ctrl-C (the loop's SIGINT event on the same base).
  virtual void select(int64_t timeout_ns, std::vector<std::pair<int, int>>& events) = 0;
  // For the loop's deadlock rule, asked when nothing is ready and no timer
  // can fire: could a select() with no timeout ever return? The virtual
  // network: only if an event is pending now (nothing outside the program
  // moves its data). The real network: if any fd is registered.
  virtual bool can_become_ready() = 0;
};

std::unique_ptr<Network> make_virtual_network();                    // engine/asyncio/virtual_network.cpp
// OsNetwork, on the loop's libevent base (its SIGINT event included).
std::unique_ptr<Network> make_os_network(::event_base* base);  // engine/asyncio/os_network.cpp (helper realnet)

}  // namespace corun
