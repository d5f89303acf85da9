// OsNetwork (engine/asyncio/os_network.h): each Network call is the one
// system call CPython's socket method makes, with the kernel's errno passed
// back as -errno for the socket object to raise.
#include "engine/asyncio/os_network.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include <event2/event.h>

namespace corun {
namespace {

void on_wake_timer(evutil_socket_t, short, void*) {}

// (host, port) as the kernel takes it. The socket object has resolved names
// and checked the port's range; "" is INADDR_ANY, as in CPython's bind(('', 0)).
bool to_sockaddr(const SockAddr& a, sockaddr_in& out) {
  out = sockaddr_in{};
  out.sin_family = AF_INET;
  if (a.port < 0 || a.port > 65535) return false;
  out.sin_port = htons(uint16_t(a.port));
  if (a.host.empty()) {
    out.sin_addr.s_addr = htonl(INADDR_ANY);
    return true;
  }
  std::string host = a.host == "localhost" ? "127.0.0.1" : a.host;
  return inet_pton(AF_INET, host.c_str(), &out.sin_addr) == 1;
}

SockAddr from_sockaddr(const sockaddr_in& in) {
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf);
  return SockAddr{buf, ntohs(in.sin_port)};
}

int result(int r) { return r < 0 ? -errno : r; }

// The most one recv() copies when the caller asks for more than is buffered:
// the kernel returns only what it has, and asyncio asks for 256 KiB at a
// time, but a program may ask for gigabytes, and the buffer is allocated
// before the call.
constexpr size_t kRecvChunk = size_t(1) << 20;

}  // namespace

std::unique_ptr<Network> make_os_network(event_base* base) { return std::make_unique<OsNetwork>(base); }

OsNetwork::OsNetwork(event_base* base) : base_(base) { wake_timer_ = evtimer_new(base_, on_wake_timer, nullptr); }

OsNetwork::~OsNetwork() {
  // The end of the run: whatever the program left open is closed, events first.
  while (!registered_.empty()) unregister(registered_.begin()->first);
  for (int fd : owned_) ::close(fd);
  owned_.clear();
  if (wake_timer_) event_free(wake_timer_);
}

int OsNetwork::socket() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  owned_.insert(fd);
  return fd;
}

int OsNetwork::bind(int fd, const SockAddr& addr) {
  if (!owned_.count(fd)) return -EBADF;
  sockaddr_in sa;
  if (!to_sockaddr(addr, sa)) return -EINVAL;
  // asyncio's create_server sets SO_REUSEADDR on every listener it binds
  // (reuse_address defaults to True on POSIX), and the socket object takes
  // setsockopt without passing it on: set here, a server on a fixed port
  // can be started again while the last run's connections sit in TIME_WAIT,
  // as under CPython. Two listeners on one port still conflict (EADDRINUSE).
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  return result(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa));
}

int OsNetwork::listen(int fd, int backlog) {
  if (!owned_.count(fd)) return -EBADF;
  return result(::listen(fd, backlog));
}

int OsNetwork::accept(int fd, SockAddr& peer) {
  if (!owned_.count(fd)) return -EBADF;
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  int conn = accept4(fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (conn < 0) return -errno;
  owned_.insert(conn);
  peer = from_sockaddr(sa);
  return conn;
}

int OsNetwork::connect(int fd, const SockAddr& addr) {
  if (!owned_.count(fd)) return -EBADF;
  sockaddr_in sa;
  if (!to_sockaddr(addr, sa)) return -EINVAL;
  return result(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa));
}

int OsNetwork::so_error(int fd) {
  if (!owned_.count(fd)) return -EBADF;
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -errno;
  return err;
}

int64_t OsNetwork::recv(int fd, size_t n, std::string& out) {
  if (!owned_.count(fd)) return -EBADF;
  // Allocate what is buffered (at least one byte, to learn EOF or an error)
  // rather than n.
  int avail = 0;
  if (ioctl(fd, FIONREAD, &avail) < 0) avail = 0;
  size_t want = n == 0 ? 0 : std::min({n, std::max<size_t>(size_t(avail), 1), kRecvChunk});
  size_t old = out.size();
  out.resize(old + want);
  ssize_t got = ::recv(fd, out.data() + old, want, 0);
  out.resize(old + (got > 0 ? size_t(got) : 0));
  return got < 0 ? -errno : got;
}

int64_t OsNetwork::send(int fd, std::string_view data) {
  if (!owned_.count(fd)) return -EBADF;
  // MSG_NOSIGNAL: CPython ignores SIGPIPE, so a send to a closed peer is
  // EPIPE, not the end of the process.
  ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
  return sent < 0 ? -errno : sent;
}

int OsNetwork::shutdown(int fd, int how) {
  if (!owned_.count(fd)) return -EBADF;
  return result(::shutdown(fd, how));
}

int OsNetwork::close(int fd) {
  if (!owned_.count(fd)) return -EBADF;
  // The selector forgets the fd before the number can be reused (what
  // epoll does by itself when the last descriptor of a file closes).
  unregister(fd);
  owned_.erase(fd);
  return result(::close(fd));
}

int OsNetwork::getsockname(int fd, SockAddr& out) {
  if (!owned_.count(fd)) return -EBADF;
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) < 0) return -errno;
  out = from_sockaddr(sa);
  return 0;
}

int OsNetwork::getpeername(int fd, SockAddr& out) {
  if (!owned_.count(fd)) return -EBADF;
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&sa), &len) < 0) return -errno;
  out = from_sockaddr(sa);
  return 0;
}

// One epoll event of an fd registered for both activates its read and its
// write event one after the other: they are one entry, as in
// EpollSelector.select.
void OsNetwork::on_fd_event(evutil_socket_t fd, short what, void* self) {
  auto* net = static_cast<OsNetwork*>(self);
  if (!net->collecting_) return;
  int events = (what & EV_READ ? kEventRead : 0) | (what & EV_WRITE ? kEventWrite : 0);
  if (!events) return;
  auto& out = *net->collecting_;
  if (!out.empty() && out.back().first == int(fd)) out.back().second |= events;
  else out.emplace_back(int(fd), events);
}

void OsNetwork::unregister(int fd) {
  auto it = registered_.find(fd);
  if (it == registered_.end()) return;
  // event_free deletes first: epoll_ctl MOD for the first, DEL for the last.
  if (it->second.read) event_free(it->second.read);
  if (it->second.write) event_free(it->second.write);
  registered_.erase(it);
}

// The errors epoll_ctl gives, checked here because libevent hides them (it
// turns ADD of a registered fd into MOD, and so on).
int OsNetwork::epoll_ctl(EpollOp op, int fd, int mask) {
  if (!owned_.count(fd)) return -EBADF;
  bool registered = registered_.count(fd) && registered_[fd].mask != 0;
  if (op == EpollOp::Add && registered) return -EEXIST;
  if (op != EpollOp::Add && !registered) return -ENOENT;
  apply_interest(fd, op == EpollOp::Del ? 0 : mask);
  return 0;
}

void OsNetwork::apply_interest(int fd, int mask) {
  mask &= kEventRead | kEventWrite;
  if (mask == 0) {
    unregister(fd);
    return;
  }
  if (!owned_.count(fd)) return;
  Registered& r = registered_[fd];
  if (r.mask == mask) return;
  auto change = [&](event*& ev, short what, bool wanted) {
    if (!ev) {
      ev = event_new(base_, fd, short(what | EV_PERSIST), on_fd_event, this);
      if (!ev) return;
    }
    if (wanted) event_add(ev, nullptr);
    else event_del(ev);
  };
  // Adding before deleting: the fd never leaves epoll on its way from
  // read to write, so no change is a DEL and an ADD.
  int added = mask & ~r.mask, dropped = r.mask & ~mask;
  if (added & kEventRead) change(r.read, EV_READ, true);
  if (added & kEventWrite) change(r.write, EV_WRITE, true);
  if (dropped & kEventRead) change(r.read, EV_READ, false);
  if (dropped & kEventWrite) change(r.write, EV_WRITE, false);
  r.mask = mask;
}

void OsNetwork::select(int64_t timeout_ns, std::vector<std::pair<int, int>>& events) {
  collecting_ = &events;
  if (timeout_ns == 0) {
    // EVLOOP_NONBLOCK alone would dispatch again for as long as an fd is
    // active, and a level-triggered fd stays active until it is read: with
    // EVLOOP_ONCE it returns after one round, as epoll_wait(0) does.
    event_base_loop(base_, EVLOOP_ONCE | EVLOOP_NONBLOCK);
  } else {
    if (timeout_ns > 0) {
      // EpollSelector.select: "epoll_wait() has a resolution of 1
      // millisecond, round away from zero to wait *at least* timeout
      // seconds" -- so timers due within the same millisecond come due in
      // one iteration, as under CPython (libevent's precise timer would
      // wake at the first and leave the next for another iteration).
      timeout_ns = (timeout_ns + 999'999) / 1'000'000 * 1'000'000;
      timeval tv{time_t(timeout_ns / 1'000'000'000), suseconds_t((timeout_ns % 1'000'000'000) / 1000)};
      evtimer_add(wake_timer_, &tv);
    }
    // Returns once something is active: an fd, the timer, or SIGINT (the
    // loop's signal event on this base).
    event_base_loop(base_, EVLOOP_ONCE);
    evtimer_del(wake_timer_);
  }
  collecting_ = nullptr;
}

}  // namespace corun
