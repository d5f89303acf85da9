// OsNetwork (engine/asyncio/os_network.h) on real loopback sockets: the
// Linux errno contract of network.h, the selector's order and masks through
// libevent, and that no descriptor outlives its socket or the network.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <memory>

#include <event2/event.h>

#include "engine/asyncio/os_network.h"
#include "tests/unit/open_fds.h"

namespace corun {
namespace {

using corun::testing::count_open_fds;

struct Base {
  Base() : base(event_base_new()) {}
  ~Base() { event_base_free(base); }
  event_base* base;
};

using Events = std::vector<std::pair<int, int>>;

// Polls until `fd` is reported (at most ~2 s), returning its events.
int wait_for(OsNetwork& net, int fd) {
  for (int i = 0; i < 200; ++i) {
    Events ev;
    net.select(10'000'000, ev);
    for (auto& [f, m] : ev)
      if (f == fd) return m;
  }
  return 0;
}

int listener(OsNetwork& net, int& port) {
  int fd = net.socket();
  EXPECT_GE(fd, 0);
  EXPECT_EQ(net.bind(fd, {"127.0.0.1", 0}), 0);
  EXPECT_EQ(net.listen(fd, 100), 0);
  SockAddr me;
  EXPECT_EQ(net.getsockname(fd, me), 0);
  EXPECT_EQ(me.host, "127.0.0.1");
  EXPECT_GT(me.port, 0);
  port = me.port;
  return fd;
}

TEST(OsNetwork, ConnectAcceptSendRecvClose) {
  Base b;
  OsNetwork net(b.base);
  int port;
  int lsock = listener(net, port);
  int c = net.socket();
  EXPECT_EQ(net.connect(c, {"127.0.0.1", port}), -EINPROGRESS);
  net.set_interest(lsock, kEventRead);
  EXPECT_EQ(wait_for(net, lsock), kEventRead);
  SockAddr peer;
  int s = net.accept(lsock, peer);
  ASSERT_GE(s, 0);
  EXPECT_EQ(peer.host, "127.0.0.1");
  EXPECT_EQ(net.accept(lsock, peer), -EAGAIN);  // the queue is empty now
  net.set_interest(c, kEventWrite);
  EXPECT_EQ(wait_for(net, c), kEventWrite);
  EXPECT_EQ(net.so_error(c), 0);
  net.set_interest(c, 0);
  SockAddr cname, sname;
  ASSERT_EQ(net.getsockname(c, cname), 0);
  ASSERT_EQ(net.getpeername(s, sname), 0);
  EXPECT_EQ(cname.port, sname.port);

  std::string got;
  EXPECT_EQ(net.recv(s, 100, got), -EAGAIN);
  EXPECT_EQ(net.send(c, "hello"), 5);
  net.set_interest(s, kEventRead);
  EXPECT_EQ(wait_for(net, s), kEventRead);
  EXPECT_EQ(net.recv(s, 3, got), 3);
  EXPECT_EQ(net.recv(s, 100, got), 2);
  EXPECT_EQ(got, "hello");

  EXPECT_EQ(net.shutdown(c, SHUT_WR), 0);
  EXPECT_EQ(wait_for(net, s), kEventRead);
  EXPECT_EQ(net.recv(s, 100, got), 0);  // EOF
  EXPECT_EQ(net.send(c, "x"), -EPIPE);   // after our own shutdown(SHUT_WR)
  EXPECT_EQ(net.close(s), 0);
  EXPECT_EQ(net.close(s), -EBADF);
  EXPECT_EQ(net.recv(s, 1, got), -EBADF);
}

TEST(OsNetwork, RefusedConnectIsInProgressThenSoError) {
  Base b;
  OsNetwork net(b.base);
  int port;
  int l = listener(net, port);
  net.close(l);  // nobody listens on `port` now
  int c = net.socket();
  EXPECT_EQ(net.connect(c, {"127.0.0.1", port}), -EINPROGRESS);
  net.set_interest(c, kEventWrite);
  EXPECT_NE(wait_for(net, c) & kEventWrite, 0);
  EXPECT_EQ(net.so_error(c), ECONNREFUSED);
  EXPECT_EQ(net.so_error(c), 0);  // reading it cleared it
}

TEST(OsNetwork, PortInUse) {
  Base b;
  OsNetwork net(b.base);
  int port;
  listener(net, port);
  int other = net.socket();
  EXPECT_EQ(net.bind(other, {"127.0.0.1", port}), -EADDRINUSE);
  EXPECT_EQ(net.bind(net.socket(), {"10.0.0.300", 0}), -EINVAL);
}

TEST(OsNetwork, ReadyFdsComeInTheOrderTheirEventsHappened) {
  Base b;
  OsNetwork net(b.base);
  int port;
  int l = listener(net, port);
  std::vector<int> clients, conns;
  for (int i = 0; i < 3; ++i) {
    int c = net.socket();
    ASSERT_EQ(net.connect(c, {"127.0.0.1", port}), -EINPROGRESS);
    clients.push_back(c);
    net.set_interest(l, kEventRead);
    ASSERT_EQ(wait_for(net, l), kEventRead);
    SockAddr peer;
    int s = net.accept(l, peer);
    ASSERT_GE(s, 0);
    conns.push_back(s);
  }
  net.set_interest(l, 0);
  for (int s : conns) net.set_interest(s, kEventRead);
  // Sends in the order 2, 0, 1: the server's fds become readable so.
  for (int i : {2, 0, 1}) ASSERT_EQ(net.send(clients[i], "x"), 1);
  Events ev;
  net.select(1'000'000'000, ev);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0], std::make_pair(conns[2], kEventRead));
  EXPECT_EQ(ev[1], std::make_pair(conns[0], kEventRead));
  EXPECT_EQ(ev[2], std::make_pair(conns[1], kEventRead));
  // Level-triggered: unread, they are reported again.
  ev.clear();
  net.select(0, ev);
  EXPECT_EQ(ev.size(), 3u);
  // A closed peer makes the fd readable (EOF); the interest masks what is
  // reported: a writable fd registered for reading only is not reported as writable.
  std::string got;
  for (int s : conns) net.recv(s, 10, got);
  net.close(clients[1]);
  EXPECT_EQ(wait_for(net, conns[1]), kEventRead);
  EXPECT_EQ(net.recv(conns[1], 10, got), 0);
}

// Changing an fd's interest is epoll_ctl MOD, which keeps an fd already on
// epoll's ready list in its place (a DEL and an ADD would move it to the
// back). Seen with Python's select.epoll: A, B, C; after modify(B): A, B+W, C.
TEST(OsNetwork, ChangingTheInterestKeepsTheFdsPlace) {
  Base b;
  OsNetwork net(b.base);
  int port;
  int l = listener(net, port);
  std::vector<int> clients, conns;
  net.set_interest(l, kEventRead);
  for (int i = 0; i < 3; ++i) {
    int c = net.socket();
    net.connect(c, {"127.0.0.1", port});
    clients.push_back(c);
    ASSERT_EQ(wait_for(net, l), kEventRead);
    SockAddr peer;
    conns.push_back(net.accept(l, peer));
  }
  net.set_interest(l, 0);
  for (int s : conns) net.set_interest(s, kEventRead);
  for (int c : clients) ASSERT_EQ(net.send(c, "x"), 1);
  Events ev;
  net.select(1'000'000'000, ev);
  ASSERT_EQ(ev.size(), 3u);
  net.set_interest(conns[1], kEventRead | kEventWrite);
  ev.clear();
  net.select(0, ev);
  Events want = {{conns[0], kEventRead}, {conns[1], kEventRead | kEventWrite}, {conns[2], kEventRead}};
  EXPECT_EQ(ev, want);
  // and back: read only again, still in its place
  net.set_interest(conns[1], kEventRead);
  ev.clear();
  net.select(0, ev);
  want[1].second = kEventRead;
  EXPECT_EQ(ev, want);
}

TEST(OsNetwork, SelectWaitsForItsTimeoutAndNoLonger) {
  Base b;
  OsNetwork net(b.base);
  int port;
  int l = listener(net, port);
  net.set_interest(l, kEventRead);
  EXPECT_TRUE(net.can_become_ready());
  auto t0 = std::chrono::steady_clock::now();
  Events ev;
  net.select(50'000'000, ev);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(ev.empty());
  EXPECT_GE(ms, 45);
  EXPECT_LT(ms, 2000);
  net.set_interest(l, 0);
  EXPECT_FALSE(net.can_become_ready());
}

TEST(OsNetwork, NoDescriptorOutlivesTheNetwork) {
  int before = count_open_fds();
  {
    Base b;
    int with_base = count_open_fds();
    {
      OsNetwork net(b.base);
      int port;
      int l = listener(net, port);
      net.set_interest(l, kEventRead);
      for (int i = 0; i < 20; ++i) {
        int c = net.socket();
        net.connect(c, {"127.0.0.1", port});
        net.set_interest(c, kEventWrite);  // abandoned while registered
      }
      wait_for(net, l);
      SockAddr peer;
      while (net.accept(l, peer) >= 0) {}
      EXPECT_GT(count_open_fds(), with_base + 20);
      EXPECT_EQ(int(net.open_fds()), count_open_fds() - with_base);
    }
    EXPECT_EQ(count_open_fds(), with_base);
  }
  EXPECT_EQ(count_open_fds(), before);
}

}  // namespace
}  // namespace corun
