#include "engine/asyncio/traced_network.h"

#include <cerrno>
#include <cstring>
#include <set>

#include "engine/vm/interp.h"

namespace corun {
namespace {

// "ECONNRESET": how a failed call is reported (glibc knows every errno's name).
std::string errno_name(int64_t negative) {
  const char* name = strerrorname_np(int(-negative));
  return name ? name : "errno " + std::to_string(-negative);
}

class TracedNetwork : public Network {
 public:
  TracedNetwork(std::unique_ptr<Network> inner, Interp& in) : inner_(std::move(inner)), in_(in) {}

  int socket() override {
    int fd = inner_->socket();
    io("socket", fd, -1, 0, fd < 0 ? errno_name(fd) : "");
    return fd;
  }
  // Not reported: all bind says is an address.
  int bind(int fd, const SockAddr& addr) override { return inner_->bind(fd, addr); }
  int listen(int fd, int backlog) override {
    int r = inner_->listen(fd, backlog);
    io("listen", fd, -1, 0, r < 0 ? errno_name(r) : "");
    return r;
  }
  int accept(int fd, SockAddr& peer) override {
    int conn = inner_->accept(fd, peer);
    if (conn < 0) io("accept", -1, fd, 0, errno_name(conn));
    else io("accept", conn, fd, 0, "");
    return conn;
  }
  int connect(int fd, const SockAddr& addr) override {
    int r = inner_->connect(fd, addr);
    io("connect", fd, -1, 0, r < 0 ? errno_name(r) : "");
    if (r == -EINPROGRESS) connecting_.insert(fd);
    return r;
  }
  // How a connect in progress ended is learnt from SO_ERROR, as
  // _sock_connect_cb learns it.
  int so_error(int fd) override {
    int r = inner_->so_error(fd);
    if (r >= 0 && connecting_.erase(fd)) {
      if (r == 0) io("connected", fd, -1, 0, "");
      else io("connect failed", fd, -1, 0, errno_name(-r));
    }
    return r;
  }
  int64_t recv(int fd, size_t n, std::string& out) override {
    int64_t r = inner_->recv(fd, n, out);
    io("recv", fd, -1, r > 0 ? r : 0, r < 0 ? errno_name(r) : r == 0 && n > 0 ? "EOF" : bytes(r));
    return r;
  }
  int64_t send(int fd, std::string_view data) override {
    int64_t r = inner_->send(fd, data);
    std::string outcome = r < 0 ? errno_name(r)
                          : size_t(r) == data.size() ? bytes(r)
                                                     : std::to_string(r) + " of " + bytes(int64_t(data.size()));
    io("send", fd, -1, r > 0 ? r : 0, outcome);
    return r;
  }
  int shutdown(int fd, int how) override {
    int r = inner_->shutdown(fd, how);
    io(how == 0 ? "shutdown read" : how == 1 ? "shutdown write" : "shutdown", fd, -1, 0, r < 0 ? errno_name(r) : "");
    return r;
  }
  int close(int fd) override {
    int r = inner_->close(fd);
    connecting_.erase(fd);
    io("close", fd, -1, 0, r < 0 ? errno_name(r) : "");
    return r;
  }
  int getsockname(int fd, SockAddr& out) override { return inner_->getsockname(fd, out); }
  int getpeername(int fd, SockAddr& out) override { return inner_->getpeername(fd, out); }
  int epoll_ctl(EpollOp op, int fd, int mask) override { return inner_->epoll_ctl(op, fd, mask); }
  void select(int64_t timeout_ns, std::vector<std::pair<int, int>>& events) override { inner_->select(timeout_ns, events); }
  bool can_become_ready() override { return inner_->can_become_ready(); }

 private:
  static std::string bytes(int64_t n) { return n == 1 ? "1 byte" : std::to_string(n) + " bytes"; }

  void io(const char* call, int fd, int peer_fd, int64_t nbytes, std::string outcome) {
    Tracer* tracer = in_.tracer();
    if (!tracer) return;
    TraceEvent e{TraceKind::Io};
    e.time_ns = in_.loop().now();
    e.parent = in_.trace_waker();
    e.callback = in_.trace_callback();
    e.ready = in_.loop().ready_count();
    e.detail = call;
    e.fd = fd;
    e.peer_fd = peer_fd;
    e.bytes = nbytes;
    e.reason = std::move(outcome);
    tracer->event(std::move(e));
  }

  std::unique_ptr<Network> inner_;
  Interp& in_;
  std::set<int> connecting_;  // connect() said EINPROGRESS; SO_ERROR not read yet
};

}  // namespace

std::unique_ptr<Network> make_traced_network(std::unique_ptr<Network> inner, Interp& in) {
  return std::make_unique<TracedNetwork>(std::move(inner), in);
}

}  // namespace corun
