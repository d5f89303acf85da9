// OsNetwork: the Network of a `--clock real` run (engine/asyncio/network.h):
// real non-blocking AF_INET stream sockets, and the selector's wait done by
// libevent on the loop's own event_base, the one that already holds the
// loop's timer and its SIGINT event, so Ctrl-C ends a wait on sockets as it
// ends a wait on timers.
//
// Why libevent and not a private epoll: the loop waits in one place. Each
// registered fd has a read event and a write event (EV_PERSIST, never
// EV_ET: level-triggered, as EpollSelector registers), added and deleted
// as the interest changes. libevent keeps one epoll registration per fd
// for the two, so the system calls are EpollSelector's: epoll_ctl ADD for
// the first interest, MOD when it changes, DEL when none is left. That
// matters for the order: a MOD keeps an fd that is already on epoll's
// ready list in its place there, where a DEL and an ADD would send it to
// the back. libevent's epoll backend maps epoll's masks as
// EpollSelector.select does (EPOLLIN -> read, EPOLLOUT -> write,
// EPOLLERR/EPOLLHUP -> both, masked by what the fd is registered for) and
// activates the fds in the order epoll_wait returned them, an fd's read and
// write events one after the other: select() reports them so, one entry
// per fd.
// One difference remains: libevent asks epoll_wait for 32 events at first
// and doubles that each time a wait fills it (up to 4096), where CPython
// asks for as many as are registered; with more fds ready at once than
// that, the rest come in the next iteration, in kernel order. The real
// clock is not repeatable anyway; the virtual network is the model.
//
// Descriptors never leak: every fd socket() or accept() made is owned here
// until close(); the socket object closes its fd when it is freed, and the
// destructor (the end of the run) closes whatever is still open. All are
// made SOCK_CLOEXEC.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "engine/asyncio/network.h"

struct event;
struct event_base;

namespace corun {

class OsNetwork : public Network {
 public:
  explicit OsNetwork(event_base* base);
  ~OsNetwork() override;
  OsNetwork(const OsNetwork&) = delete;
  OsNetwork& operator=(const OsNetwork&) = delete;

  int socket() override;
  int bind(int fd, const SockAddr& addr) override;
  int listen(int fd, int backlog) override;
  int accept(int fd, SockAddr& peer) override;
  int connect(int fd, const SockAddr& addr) override;
  int so_error(int fd) override;
  int64_t recv(int fd, size_t n, std::string& out) override;
  int64_t send(int fd, std::string_view data) override;
  int shutdown(int fd, int how) override;
  int close(int fd) override;
  int getsockname(int fd, SockAddr& out) override;
  int getpeername(int fd, SockAddr& out) override;

  int epoll_ctl(EpollOp op, int fd, int mask) override;
  void select(int64_t timeout_ns, std::vector<std::pair<int, int>>& events) override;
  bool can_become_ready() override { return !registered_.empty(); }

  size_t open_fds() const { return owned_.size(); }

 private:
  void apply_interest(int fd, int mask);  // the libevent events for `mask` (0: none)
  struct Registered {
    event* read = nullptr;  // added while the interest has kEventRead
    event* write = nullptr;
    int mask = 0;
  };
  static void on_fd_event(int fd, short what, void* self);
  void unregister(int fd);

  event_base* base_;
  event* wake_timer_ = nullptr;  // ends a select() with a timeout
  std::set<int> owned_;          // fds this run opened and has not closed
  std::map<int, Registered> registered_;
  std::vector<std::pair<int, int>>* collecting_ = nullptr;  // select()'s output while libevent dispatches
};

}  // namespace corun
