// The in-memory loopback network of the virtual clock: Linux TCP over lo and
// a level-triggered epoll, modelled closely enough that the order in which
// CPython's selector loop (BaseSelectorEventLoop over EpollSelector) sees
// its sockets become ready -- the order of its callbacks, so of a
// scenario's output -- is the same here.
//
// Every claim below was checked on Linux with a Python program using real
// non-blocking sockets and select.epoll (tests/unit/virtual_network_linux_facts.py
// prints them all; tests/unit/virtual_network_test.cpp expects the same of
// the model):
//
//   * connect() on a non-blocking socket is always EINPROGRESS, even on
//     loopback; the handshake is done by the time it returns: the client is
//     writable (SO_ERROR 0) and the listener readable. Connecting to a port
//     nobody listens on is EINPROGRESS too; the RST has come back by the
//     time connect() returns: epoll reports EPOLLOUT|EPOLLERR|EPOLLHUP,
//     SO_ERROR is 111 (ECONNREFUSED) once, then 0; recv() then gives b'',
//     send() EPIPE, another connect() ECONNABORTED.
//   * Wakeups, in the order they happen: the client's state change (no
//     event key, so it wakes whatever the fd waits for), then the
//     listener's EPOLLIN. Registered before connect(): [client, listener].
//   * recv() with nothing buffered: EAGAIN. After the peer's FIN
//     (shutdown(SHUT_WR) or close()): buffered data, then b'' for ever; the
//     fd is EPOLLIN. Our own shutdown(SHUT_WR): send() is EPIPE, recv()
//     still works, and the fd stays EPOLLOUT (writable, so the write fails);
//     both sides shut: EPOLLIN|EPOLLOUT|EPOLLHUP.
//   * close() with received data unread sends an RST; otherwise a FIN. The
//     peer of an RST (ESTABLISHED) sees EPOLLIN|EPOLLERR|EPOLLHUP, SO_ERROR
//     104; recv() returns what it had buffered, then ECONNRESET once, then
//     b''; send() is ECONNRESET once (if recv did not take it), then EPIPE.
//   * send() to a peer that close()d (we have its FIN): the first send
//     succeeds, the data reaches a closed socket, whose RST is back before
//     send() returns: EPOLLIN|EPOLLERR|EPOLLHUP, SO_ERROR 32 (EPIPE: the
//     connection was in CLOSE_WAIT), recv() b'' (the FIN came first),
//     send() EPIPE.
//   * accept() with an empty queue: EAGAIN; on a socket not listening:
//     EINVAL. Connections queue in order; getsockname() of an accepted
//     socket is the listener's address.
//   * bind() to a port in use: EADDRINUSE; binding twice: EINVAL; to an
//     address not this machine's: EADDRNOTAVAIL. listen() unbound binds
//     0.0.0.0 and an ephemeral port. getsockname() unbound: ('0.0.0.0', 0).
//     getpeername(), recv(), shutdown() unconnected: ENOTCONN; send()
//     unconnected: EPIPE.
//   * Capacity: about 3.9 MB of sends with nobody reading before EAGAIN;
//     the sender is not writable again until much of it is read (Linux:
//     free send space at least half of what is queued, sk_stream_min_wspace).
//
// The model. Each connection is two endpoints; each holds the bytes its
// peer sent and it has not read (one buffer stands for the sender's send
// queue and the receiver's receive queue, which loopback fills at once),
// up to `capacity_`. An endpoint is writable when at least a third of that
// is free at the peer (Linux's rule above, with the queue measured at the
// receiver). Sends are delivered at once (loopback delivers inside the
// send() call), so data sent during one loop iteration is seen by the
// peer's select() at the next.
//
// epoll. Each registered fd has an interest mask (selectors' EVENT_READ /
// EVENT_WRITE). An event appends the fd to the ready list unless it is on
// it already (then it keeps its place): data arriving (key EPOLLIN: only if
// the fd waits to read), write space returning after the sender filled the
// buffer (key EPOLLOUT: only if it waits to write), a state change or an
// RST (no key / EPOLLERR: whatever it waits for). Registering or modifying
// appends the fd if it is ready for its new mask then. select() walks the
// list in order, reports each fd that is ready for its mask (with
// EpollSelector's mapping: EPOLLERR or EPOLLHUP set means both READ and
// WRITE, then masked by the interest), keeps those -- level-triggered,
// they are appended again in the order reported -- and drops the rest.
//
// What is not modelled: a full accept queue (Linux drops the SYN and the
// client retries after a second; asyncio's default backlog is 100, so the
// queue here is unbounded); TIME_WAIT (a port is free once its sockets are
// closed); addresses other than 127.0.0.0/8 and 0.0.0.0 (the socket object
// refuses them before they get here); IPv6; urgent data; SO_LINGER.
#include "engine/asyncio/virtual_network.h"

#include <algorithm>
#include <cerrno>
#include <deque>

namespace corun {

struct VirtualNetwork::Endpoint {
  enum class State { Fresh, Listening, Connected, Closed } state = State::Fresh;
  int fd = -1;  // -1 while an accepted connection waits in its listener's queue
  bool bound = false;
  SockAddr local{"0.0.0.0", 0};
  SockAddr remote;
  // Listening.
  std::deque<std::shared_ptr<Endpoint>> accept_queue;
  // Connected (and Closed after a reset: what was received stays readable).
  Endpoint* peer = nullptr;     // null once either side is gone
  bool peer_closed = false;     // the peer close()d: data we send it comes back as an RST
  std::string rbuf;             // received, unread: rbuf[rhead..]
  size_t rhead = 0;
  bool fin_received = false;    // the peer's FIN: recv() returns b'' before any error
  bool rcv_shutdown = false;    // nothing more will arrive (FIN, RST, our SHUT_RD)
  bool snd_shutdown = false;    // we send nothing more (SHUT_WR, RST)
  bool refused = false;         // a connect() the RST of a closed port answered
  int sk_err = 0;               // the pending error SO_ERROR reads
  bool nospace = false;         // a send found the buffer full: wake it when space returns
  // epoll.
  int interest = 0;
  bool on_ready = false;
  uint64_t token = 0;

  size_t unread() const { return rbuf.size() - rhead; }
};

VirtualNetwork::VirtualNetwork(size_t capacity) : capacity_(capacity) {}

VirtualNetwork::~VirtualNetwork() {
  for (auto& [fd, e] : fds_) {
    e->peer = nullptr;
    for (auto& c : e->accept_queue) c->peer = nullptr;
  }
}

VirtualNetwork::Endpoint* VirtualNetwork::find(int fd) const {
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : it->second.get();
}

int VirtualNetwork::lowest_free_fd() const {
  int fd = freed_fds_.empty() ? next_fd_ : *freed_fds_.begin();  // the lowest free number, as the kernel gives
  return fd < kMaxFds ? fd : -1;
}

void VirtualNetwork::claim_fd(int fd) {
  if (fd == next_fd_) ++next_fd_;
  else freed_fds_.erase(fd);
}

void VirtualNetwork::release_fd(int fd) {
  freed_fds_.insert(fd);
  while (!freed_fds_.empty() && *freed_fds_.rbegin() == next_fd_ - 1) {  // the top of the numbers in use came down
    freed_fds_.erase(std::prev(freed_fds_.end()));
    --next_fd_;
  }
}

int VirtualNetwork::socket() {
  int fd = lowest_free_fd();
  if (fd < 0) return -EMFILE;
  auto e = std::make_shared<Endpoint>();
  e->fd = fd;
  fds_[fd] = std::move(e);
  claim_fd(fd);
  return fd;
}

namespace {

bool is_any(const std::string& host) { return host == "0.0.0.0"; }
bool hosts_overlap(const std::string& a, const std::string& b) { return a == b || is_any(a) || is_any(b); }
bool is_loopback(const std::string& host) { return host.rfind("127.", 0) == 0; }

}  // namespace

bool VirtualNetwork::port_in_use(const std::string& host, int port) const {
  for (auto& [fd, e] : fds_)
    if (e->bound && e->local.port == port && hosts_overlap(e->local.host, host)) return true;
  return false;
}

int VirtualNetwork::take_ephemeral_port(const std::string& host) {
  int span = kLastEphemeral - kLowEphemeral + 1;
  for (int tries = 0; tries < span; ++tries) {
    int port = next_port_;
    next_port_ = next_port_ == kLastEphemeral ? kLowEphemeral : next_port_ + 1;
    if (!port_in_use(host, port)) return port;
  }
  return -1;
}

int VirtualNetwork::bind(int fd, const SockAddr& addr) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  if (e->bound || e->state != Endpoint::State::Fresh) return -EINVAL;
  if (!is_any(addr.host) && !is_loopback(addr.host)) return -EADDRNOTAVAIL;
  int port = addr.port;
  if (port == 0) {
    port = take_ephemeral_port(addr.host);
    if (port < 0) return -EADDRINUSE;
  } else if (port_in_use(addr.host, port)) {
    return -EADDRINUSE;
  }
  e->bound = true;
  e->local = SockAddr{addr.host, port};
  return 0;
}

int VirtualNetwork::listen(int fd, int) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  if (e->state == Endpoint::State::Listening) return 0;
  if (e->state != Endpoint::State::Fresh) return -EINVAL;
  if (!e->bound) {
    int r = bind(fd, SockAddr{"0.0.0.0", 0});
    if (r < 0) return r;
  }
  e->state = Endpoint::State::Listening;
  return 0;
}

int VirtualNetwork::accept(int fd, SockAddr& peer) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  if (e->state != Endpoint::State::Listening) return -EINVAL;
  if (e->accept_queue.empty()) return -EAGAIN;
  int nfd = lowest_free_fd();
  if (nfd < 0) return -EMFILE;  // the connection stays queued
  std::shared_ptr<Endpoint> child = std::move(e->accept_queue.front());
  e->accept_queue.pop_front();
  child->fd = nfd;
  peer = child->remote;
  fds_[nfd] = std::move(child);
  claim_fd(nfd);
  return nfd;
}

int VirtualNetwork::connect(int fd, const SockAddr& addr) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  switch (e->state) {
    case Endpoint::State::Fresh: break;
    case Endpoint::State::Listening: return -EINVAL;
    case Endpoint::State::Connected: return -EISCONN;
    case Endpoint::State::Closed: return -ECONNABORTED;
  }
  std::string host = is_any(addr.host) ? "127.0.0.1" : addr.host;  // connecting to INADDR_ANY reaches this machine
  if (!is_loopback(host)) return -ENETUNREACH;
  if (!e->bound) {
    int port = take_ephemeral_port("127.0.0.1");
    if (port < 0) return -EADDRNOTAVAIL;
    e->bound = true;
    e->local = SockAddr{"127.0.0.1", port};
  } else if (is_any(e->local.host)) {
    e->local.host = "127.0.0.1";
  }
  e->remote = SockAddr{host, addr.port};
  Endpoint* listener = nullptr;
  for (auto& [lfd, l] : fds_)
    if (l->state == Endpoint::State::Listening && l->local.port == addr.port && (l->local.host == host || is_any(l->local.host)))
      listener = l.get();
  if (!listener) {
    // The RST of a closed port is back before connect() returns.
    e->state = Endpoint::State::Closed;
    e->refused = true;
    e->sk_err = ECONNREFUSED;
    e->rcv_shutdown = e->snd_shutdown = true;
    wake(e, Wake::Any);
    return -EINPROGRESS;
  }
  auto child = std::make_shared<Endpoint>();
  child->state = Endpoint::State::Connected;
  child->bound = false;  // it shares the listener's port, which the listener holds
  child->local = SockAddr{host, addr.port};
  child->remote = e->local;
  child->peer = e;
  e->peer = child.get();
  e->state = Endpoint::State::Connected;
  listener->accept_queue.push_back(std::move(child));
  wake(e, Wake::Any);           // the handshake completes at the client first,
  wake(listener, Wake::In);     // then its ACK reaches the listener
  return -EINPROGRESS;
}

int VirtualNetwork::so_error(int fd) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  int err = e->sk_err;
  e->sk_err = 0;
  return err;
}

bool VirtualNetwork::writable(const Endpoint& e) const {
  if (!e.peer) return true;  // the peer is gone: a send goes nowhere (and comes back as an RST)
  size_t free = capacity_ - std::min(capacity_, e.peer->unread());
  return free >= capacity_ / 3;
}

int64_t VirtualNetwork::recv(int fd, size_t n, std::string& out) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  if (e->state == Endpoint::State::Fresh || e->state == Endpoint::State::Listening) return -ENOTCONN;
  if (e->refused) return 0;
  if (size_t have = e->unread()) {
    size_t take = std::min(n, have);
    out.append(e->rbuf, e->rhead, take);
    e->rhead += take;
    if (e->rhead == e->rbuf.size()) {
      e->rbuf.clear();
      e->rhead = 0;
    } else if (e->rhead > e->rbuf.size() / 2) {
      e->rbuf.erase(0, e->rhead);
      e->rhead = 0;
    }
    // Reading makes room: a sender that found the buffer full is woken
    // when it may write again.
    if (Endpoint* sender = e->peer; sender && sender->nospace && writable(*sender)) {
      sender->nospace = false;
      wake(sender, Wake::Out);
    }
    return int64_t(take);
  }
  if (n == 0) return 0;
  if (e->fin_received) return 0;
  if (e->sk_err) {
    int err = e->sk_err;
    e->sk_err = 0;
    return -err;
  }
  if (e->rcv_shutdown) return 0;
  return -EAGAIN;
}

int64_t VirtualNetwork::send(int fd, std::string_view data) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  if (e->state == Endpoint::State::Fresh || e->state == Endpoint::State::Listening) return -EPIPE;
  if (e->sk_err) {
    int err = e->sk_err;
    e->sk_err = 0;
    return -err;
  }
  if (e->snd_shutdown || e->state == Endpoint::State::Closed) return -EPIPE;
  if (data.empty()) return 0;
  if (!e->peer) {
    if (!e->peer_closed) return -EPIPE;
    // The data reaches a closed socket, whose RST is back before send()
    // returns; the FIN came first, so it is CLOSE_WAIT's EPIPE.
    e->state = Endpoint::State::Closed;
    e->sk_err = EPIPE;
    e->rcv_shutdown = e->snd_shutdown = true;
    e->peer_closed = false;
    wake(e, Wake::Any);
    return int64_t(data.size());
  }
  Endpoint* p = e->peer;
  size_t free = capacity_ - std::min(capacity_, p->unread());
  if (free == 0) {
    e->nospace = true;
    return -EAGAIN;
  }
  size_t take = std::min(free, data.size());
  p->rbuf.append(data.data(), take);
  if (!writable(*e)) e->nospace = true;
  wake(p, Wake::In);
  return int64_t(take);
}

int VirtualNetwork::shutdown(int fd, int how) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  if (how < 0 || how > 2) return -EINVAL;
  if (e->state != Endpoint::State::Connected) return -ENOTCONN;
  if (how == 0 || how == 2) e->rcv_shutdown = true;
  if ((how == 1 || how == 2) && !e->snd_shutdown) {
    e->snd_shutdown = true;
    if (Endpoint* p = e->peer) {
      p->fin_received = p->rcv_shutdown = true;
      wake(p, Wake::Any);
    }
  }
  wake(e, Wake::Any);
  return 0;
}

void VirtualNetwork::detach(Endpoint* e) {
  if (e->peer) e->peer->peer = nullptr;
  e->peer = nullptr;
}

void VirtualNetwork::reset(Endpoint* e) {
  // An RST: tcp_reset's error (EPIPE once the peer's FIN has come), then the
  // connection is closed both ways.
  e->sk_err = e->fin_received ? EPIPE : ECONNRESET;
  e->state = Endpoint::State::Closed;
  e->rcv_shutdown = e->snd_shutdown = true;
  e->peer_closed = false;
  detach(e);
  wake(e, Wake::Any);
}

int VirtualNetwork::close(int fd) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return -EBADF;
  std::shared_ptr<Endpoint> e = std::move(it->second);
  fds_.erase(it);
  release_fd(fd);
  e->on_ready = false;
  e->interest = 0;
  e->fd = -1;
  if (e->state == Endpoint::State::Listening) {
    // Connections never accepted are reset.
    for (auto& child : e->accept_queue) {
      if (Endpoint* client = child->peer) reset(client);
      child->peer = nullptr;
    }
    e->accept_queue.clear();
  } else if (e->state == Endpoint::State::Connected) {
    if (Endpoint* p = e->peer) {
      if (e->unread()) {
        reset(p);  // close() with data unread sends an RST
      } else {
        if (!e->snd_shutdown) {
          p->fin_received = p->rcv_shutdown = true;
          wake(p, Wake::Any);
        }
        p->peer_closed = true;
        detach(e.get());
      }
    }
  }
  return 0;
}

int VirtualNetwork::getsockname(int fd, SockAddr& out) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  out = e->local;
  return 0;
}

int VirtualNetwork::getpeername(int fd, SockAddr& out) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  if (e->state != Endpoint::State::Connected) return -ENOTCONN;
  out = e->remote;
  return 0;
}

// ---- epoll ----------------------------------------------------------------------------

int VirtualNetwork::ready_mask(const Endpoint& e) const {
  bool in = false, out = false, errhup = false;
  switch (e.state) {
    case Endpoint::State::Fresh: errhup = true; break;  // an unconnected socket polls EPOLLOUT|EPOLLHUP
    case Endpoint::State::Listening: in = !e.accept_queue.empty(); break;
    case Endpoint::State::Connected:
      in = e.unread() || e.rcv_shutdown;
      out = e.snd_shutdown || writable(e);
      errhup = e.sk_err || (e.rcv_shutdown && e.snd_shutdown);
      break;
    case Endpoint::State::Closed: errhup = true; break;  // EPOLLHUP
  }
  if (errhup) return kEventRead | kEventWrite;  // EpollSelector: any bit but EPOLLIN/EPOLLOUT means both
  return (in ? kEventRead : 0) | (out ? kEventWrite : 0);
}

void VirtualNetwork::append_ready(Endpoint* e) {
  if (e->on_ready) return;
  e->on_ready = true;
  e->token = ++next_token_;
  ready_.push_back(ReadyEntry{e->fd, e->token});
}

void VirtualNetwork::wake(Endpoint* e, Wake key) {
  if (e->fd < 0 || !e->interest) return;
  if (key == Wake::In && !(e->interest & kEventRead)) return;
  if (key == Wake::Out && !(e->interest & kEventWrite)) return;
  append_ready(e);
}

int VirtualNetwork::epoll_ctl(EpollOp op, int fd, int mask) {
  Endpoint* e = find(fd);
  if (!e) return -EBADF;
  bool registered = e->interest != 0;
  if (op == EpollOp::Add && registered) return -EEXIST;
  if (op != EpollOp::Add && !registered) return -ENOENT;
  e->interest = op == EpollOp::Del ? 0 : mask & (kEventRead | kEventWrite);
  if (!e->interest) {
    e->on_ready = false;  // its entry on the list goes stale
    return 0;
  }
  // ep_insert / ep_modify poll the fd: ready for the new mask, it joins the
  // list (where it already is, it keeps its place).
  if (ready_mask(*e) & e->interest) append_ready(e);
  return 0;
}

void VirtualNetwork::select(int64_t, std::vector<std::pair<int, int>>& events) {
  std::vector<ReadyEntry> list;
  list.swap(ready_);
  for (const ReadyEntry& r : list) {
    Endpoint* e = find(r.fd);
    if (!e || !e->on_ready || e->token != r.token) continue;
    e->on_ready = false;
    int mask = ready_mask(*e) & e->interest;
    if (!mask) continue;
    events.emplace_back(r.fd, mask);
    append_ready(e);
  }
}

bool VirtualNetwork::can_become_ready() {
  for (const ReadyEntry& r : ready_) {
    Endpoint* e = find(r.fd);
    if (e && e->on_ready && e->token == r.token && (ready_mask(*e) & e->interest)) return true;
  }
  return false;
}

std::unique_ptr<Network> make_virtual_network() { return std::make_unique<VirtualNetwork>(); }

}  // namespace corun
