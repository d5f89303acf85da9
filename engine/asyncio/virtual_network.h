// The virtual clock's network: loopback TCP and a level-triggered epoll,
// in memory, as Linux behaves (see virtual_network.cpp for the model and
// what each behaviour was checked against).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/asyncio/network.h"

namespace corun {

class VirtualNetwork : public Network {
 public:
  // Bytes one direction of a connection holds unread before send() takes
  // no more: Linux's loopback send + receive buffers hold about 4 MB
  // (measured: 3.9 MB by default on the machine the model was checked on).
  static constexpr size_t kDefaultCapacity = size_t(4) << 20;
  // The first fd a socket gets: a CPython loop already holds 3 (its epoll)
  // and 4, 5 (its self-pipe), so its first socket is 6.
  static constexpr int kFirstFd = 6;
  // The open-file limit (RLIMIT_NOFILE) of the modelled process: fds are
  // 0..4095, and socket() or accept() past it is EMFILE ("Too many open
  // files"). Linux's default soft limit, 1024, would not hold the 1,000
  // concurrent loopback connections a server is expected to take (two fds
  // each in one process), so the model has the limit a server raises it to;
  // the CPython oracle (tests/oracle/vclock.py) sets its own soft limit to
  // the same number, so both run out at the same fd.
  static constexpr int kMaxFds = 4096;
  // Ephemeral ports (bind to port 0, a connect's local port): Linux's range
  // (net.ipv4.ip_local_port_range), taken in order from kFirstEphemeral.
  static constexpr int kFirstEphemeral = 40000, kLastEphemeral = 60999, kLowEphemeral = 32768;

  explicit VirtualNetwork(size_t capacity = kDefaultCapacity);
  ~VirtualNetwork() override;

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
  bool can_become_ready() override;

  struct Endpoint;

 private:
  enum class Wake { In, Out, Any };  // the wakeup's key: data, write space, a state change or error
  Endpoint* find(int fd) const;
  int lowest_free_fd() const;  // -1 when every fd below kMaxFds is taken
  void claim_fd(int fd);       // lowest_free_fd()'s answer is now in use
  void release_fd(int fd);     // a closed fd's number is free again
  void wake(Endpoint* e, Wake key);
  void append_ready(Endpoint* e);
  int ready_mask(const Endpoint& e) const;  // EVENT_READ|EVENT_WRITE as EpollSelector reports, before the interest mask
  bool writable(const Endpoint& e) const;
  int take_ephemeral_port(const std::string& host);
  bool port_in_use(const std::string& host, int port) const;
  void reset(Endpoint* e);       // an RST arrives at e
  void detach(Endpoint* e);      // e and its peer forget each other

  size_t capacity_;
  std::unordered_map<int, std::shared_ptr<Endpoint>> fds_;
  // The free fd numbers, as the kernel hands out the lowest: every number
  // from next_fd_ up, and those below it in freed_fds_ (so that a socket
  // made while thousands are open does not search for its number).
  int next_fd_ = kFirstFd;
  std::set<int> freed_fds_;
  struct ReadyEntry {
    int fd;
    uint64_t token;  // stale when the fd's endpoint left the list since (or the fd is another socket now)
  };
  std::vector<ReadyEntry> ready_;  // epoll's ready list, in order
  uint64_t next_token_ = 0;
  int next_port_ = kFirstEphemeral;
};

}  // namespace corun
