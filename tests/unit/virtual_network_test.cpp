// The virtual loopback network (engine/asyncio/virtual_network.cpp) against
// what Linux does: each expectation here was first observed with real
// non-blocking sockets and select.epoll (CPython 3.11 on Linux 6.x), as the
// file-head comment of virtual_network.cpp records. Events are as
// EpollSelector reports them (READ = 1, WRITE = 2, both for EPOLLERR/HUP).
#include <gtest/gtest.h>

#include <cerrno>

#include "engine/asyncio/virtual_network.h"

namespace corun {
namespace {

using Events = std::vector<std::pair<int, int>>;
constexpr int R = kEventRead, W = kEventWrite;

Events poll(VirtualNetwork& net) {
  Events ev;
  net.select(0, ev);
  return ev;
}

struct Net : ::testing::Test {
  VirtualNetwork net;
  int listener() {
    int l = net.socket();
    EXPECT_EQ(net.bind(l, {"127.0.0.1", 0}), 0);
    EXPECT_EQ(net.listen(l, 100), 0);
    return l;
  }
  SockAddr name(int fd) {
    SockAddr a;
    net.getsockname(fd, a);
    return a;
  }
  // A connected pair: (client, accepted).
  std::pair<int, int> pair(int l) {
    int c = net.socket();
    EXPECT_EQ(net.connect(c, name(l)), -EINPROGRESS);
    SockAddr peer;
    int a = net.accept(l, peer);
    EXPECT_GE(a, 0);
    return {c, a};
  }
  std::string recv(int fd, size_t n = 100) {
    std::string out;
    int64_t r = net.recv(fd, n, out);
    return r < 0 ? "errno " + std::to_string(-r) : out;
  }
};

TEST_F(Net, FdsStartAtSixAndReuseTheLowest) {
  EXPECT_EQ(net.socket(), 6);
  EXPECT_EQ(net.socket(), 7);
  EXPECT_EQ(net.close(6), 0);
  EXPECT_EQ(net.socket(), 6);
  EXPECT_EQ(net.close(42), -EBADF);
}

TEST_F(Net, FdsFreedInAnyOrderComeBackLowestFirst) {
  for (int fd = 6; fd <= 12; ++fd) EXPECT_EQ(net.socket(), fd);
  EXPECT_EQ(net.close(12), 0);  // the highest: the next new number comes down
  EXPECT_EQ(net.close(9), 0);
  EXPECT_EQ(net.close(7), 0);
  EXPECT_EQ(net.close(11), 0);
  EXPECT_EQ(net.socket(), 7);
  EXPECT_EQ(net.socket(), 9);
  EXPECT_EQ(net.socket(), 11);
  EXPECT_EQ(net.socket(), 12);
  EXPECT_EQ(net.socket(), 13);
  EXPECT_EQ(net.close(13), 0);
  EXPECT_EQ(net.close(12), 0);
  EXPECT_EQ(net.close(6), 0);
  EXPECT_EQ(net.socket(), 6);
  EXPECT_EQ(net.socket(), 12);
  int l = listener();  // 13
  EXPECT_EQ(l, 13);
  EXPECT_EQ(net.close(8), 0);
  int c = net.socket();  // 8
  EXPECT_EQ(c, 8);
  EXPECT_EQ(net.connect(c, name(l)), -EINPROGRESS);
  SockAddr peer;
  EXPECT_EQ(net.accept(l, peer), 14);  // accept() takes the lowest free number too
  EXPECT_EQ(net.close(10), 0);
  EXPECT_EQ(net.socket(), 10);
}

TEST_F(Net, FdsEndAtTheDefaultLimit) {
  int l = listener();
  int last = -1;
  for (int fd = net.socket(); fd >= 0; fd = net.socket()) last = fd;
  EXPECT_EQ(last, VirtualNetwork::kMaxFds - 1);
  EXPECT_EQ(net.socket(), -EMFILE);
  net.close(last);
  int c = net.socket();
  EXPECT_EQ(net.connect(c, name(l)), -EINPROGRESS);
  SockAddr peer;
  EXPECT_EQ(net.accept(l, peer), -EMFILE);  // the connection stays queued
  net.close(c - 1);
  EXPECT_EQ(net.accept(l, peer), c - 1);
}

TEST_F(Net, ConnectIsInProgressThenWritableAndTheListenerReadable) {
  int l = listener();
  int c = net.socket();
  EXPECT_EQ(net.connect(c, name(l)), -EINPROGRESS);
  EXPECT_EQ(net.connect(c, name(l)), -EISCONN);
  // Registered after connect(), in asyncio's order: the listener, then the client.
  net.set_interest(l, R);
  net.set_interest(c, W);
  EXPECT_EQ(poll(net), (Events{{l, R}, {c, W}}));
  EXPECT_EQ(net.so_error(c), 0);
  SockAddr peer;
  int a = net.accept(l, peer);
  EXPECT_EQ(peer.port, name(c).port);
  EXPECT_EQ(name(a).port, name(l).port);
  EXPECT_EQ(net.accept(l, peer), -EAGAIN);
  // Level-triggered: the client stays reported; the listener, drained, drops off.
  EXPECT_EQ(poll(net), (Events{{c, W}}));
}

TEST_F(Net, RegisteredBeforeConnectTheClientWakesFirst) {
  int l = listener();
  int c = net.socket();
  net.set_interest(l, R);
  EXPECT_EQ(poll(net), Events{});
  EXPECT_EQ(net.connect(c, name(l)), -EINPROGRESS);
  net.set_interest(c, R | W);  // not on the list yet: appended now, after the listener
  EXPECT_EQ(poll(net), (Events{{l, R}, {c, W}}));

  VirtualNetwork other;
  int l2 = other.socket();
  other.bind(l2, {"127.0.0.1", 0});
  other.listen(l2, 5);
  int c2 = other.socket();
  other.set_interest(l2, R);
  // A fresh socket polls EPOLLOUT|EPOLLHUP: registered, it is reported at once.
  other.set_interest(c2, W);
  SockAddr a;
  other.getsockname(l2, a);
  other.connect(c2, a);
  Events ev;
  other.select(0, ev);
  EXPECT_EQ(ev, (Events{{c2, W}, {l2, R}}));
}

TEST_F(Net, RefusedConnect) {
  int c = net.socket();
  EXPECT_EQ(net.connect(c, {"127.0.0.1", 1}), -EINPROGRESS);
  net.set_interest(c, W);
  EXPECT_EQ(poll(net), (Events{{c, W}}));  // EPOLLOUT|EPOLLERR|EPOLLHUP, masked by the interest
  EXPECT_EQ(net.so_error(c), ECONNREFUSED);
  EXPECT_EQ(net.so_error(c), 0);
  EXPECT_EQ(recv(c), "");
  EXPECT_EQ(net.send(c, "x"), -EPIPE);
  EXPECT_EQ(net.connect(c, {"127.0.0.1", 1}), -ECONNABORTED);
}

TEST_F(Net, DataIsSeenAtTheNextSelectAndReadInPieces) {
  int l = listener();
  auto [c, a] = pair(l);
  EXPECT_EQ(recv(a), "errno " + std::to_string(EAGAIN));
  net.set_interest(a, R);
  EXPECT_EQ(poll(net), Events{});
  EXPECT_EQ(net.send(c, "hello"), 5);
  EXPECT_EQ(poll(net), (Events{{a, R}}));
  EXPECT_EQ(recv(a, 3), "hel");
  EXPECT_EQ(poll(net), (Events{{a, R}}));
  EXPECT_EQ(recv(a), "lo");
  EXPECT_EQ(poll(net), Events{});
}

TEST_F(Net, ReadyListKeepsTheOrderOfEvents) {
  int l = listener();
  auto [c1, a1] = pair(l);
  auto [c2, a2] = pair(l);
  auto [c3, a3] = pair(l);
  for (int fd : {a1, a2, a3}) net.set_interest(fd, R);
  net.send(c2, "b");
  net.send(c3, "c");
  net.send(c1, "a");
  net.send(c2, "b");  // already on the list: keeps its place
  EXPECT_EQ(poll(net), (Events{{a2, R}, {a3, R}, {a1, R}}));
  recv(a3);
  net.send(c3, "c");  // still on the list (reported last time): keeps its place
  EXPECT_EQ(poll(net), (Events{{a2, R}, {a3, R}, {a1, R}}));
  recv(a2);
  recv(a3);
  EXPECT_EQ(poll(net), (Events{{a1, R}}));  // the others drop off
  net.send(c3, "c");
  net.send(c2, "b");
  EXPECT_EQ(poll(net), (Events{{a1, R}, {a3, R}, {a2, R}}));
}

TEST_F(Net, InterestMasksWakeups) {
  int l = listener();
  auto [c, a] = pair(l);
  net.set_interest(a, W);               // writable: on the list
  EXPECT_EQ(poll(net), (Events{{a, W}}));
  net.set_interest(a, 0);               // unregistered: off the list
  EXPECT_EQ(poll(net), Events{});
  net.send(c, "x");
  EXPECT_EQ(poll(net), Events{});       // not registered: data wakes nothing
  net.set_interest(a, R);               // ready when registered: appended
  EXPECT_EQ(poll(net), (Events{{a, R}}));
}

TEST_F(Net, EpollCtlErrors) {
  using Op = Network::EpollOp;
  int s = net.socket();
  EXPECT_EQ(net.epoll_ctl(Op::Mod, s, R), -ENOENT);
  EXPECT_EQ(net.epoll_ctl(Op::Del, s, 0), -ENOENT);
  EXPECT_EQ(net.epoll_ctl(Op::Add, s, R), 0);
  EXPECT_EQ(net.epoll_ctl(Op::Add, s, W), -EEXIST);
  EXPECT_EQ(net.epoll_ctl(Op::Mod, s, R | W), 0);
  EXPECT_EQ(net.epoll_ctl(Op::Add, 1000, R), -EBADF);
  // A closed fd leaves epoll; a new socket with its number is not registered.
  net.close(s);
  EXPECT_EQ(net.epoll_ctl(Op::Mod, s, R), -EBADF);
  EXPECT_EQ(net.socket(), s);
  EXPECT_EQ(net.epoll_ctl(Op::Mod, s, R), -ENOENT);
  EXPECT_EQ(poll(net), Events{});
}

TEST_F(Net, ShutdownWriteIsEofForThePeer) {
  int l = listener();
  auto [c, a] = pair(l);
  net.send(c, "data");
  EXPECT_EQ(net.shutdown(c, 1), 0);
  net.set_interest(a, R);
  EXPECT_EQ(poll(net), (Events{{a, R}}));
  EXPECT_EQ(recv(a), "data");
  EXPECT_EQ(recv(a), "");
  EXPECT_EQ(recv(a), "");
  EXPECT_EQ(net.send(c, "x"), -EPIPE);
  EXPECT_EQ(net.send(a, "back"), 4);
  EXPECT_EQ(recv(c), "back");
  net.set_interest(c, W);
  EXPECT_EQ(poll(net), (Events{{a, R}, {c, W}}));  // our own SHUT_WR leaves us writable
  net.shutdown(a, 1);
  net.set_interest(a, 0);
  EXPECT_EQ(poll(net), (Events{{c, W}}));
  net.set_interest(c, R);
  EXPECT_EQ(poll(net), (Events{{c, R}}));  // both shut: EPOLLHUP, READ|WRITE masked to READ
}

TEST_F(Net, CloseWithoutUnreadDataIsFin) {
  int l = listener();
  auto [c, a] = pair(l);
  net.send(c, "abc");
  net.set_interest(a, R);
  EXPECT_EQ(net.close(c), 0);
  EXPECT_EQ(poll(net), (Events{{a, R}}));
  EXPECT_EQ(recv(a), "abc");
  EXPECT_EQ(recv(a), "");
  // The first send reaches a closed socket and its RST comes back at once.
  EXPECT_EQ(net.send(a, "x"), 1);
  EXPECT_EQ(recv(a), "");  // the FIN came first
  EXPECT_EQ(net.so_error(a), EPIPE);
  EXPECT_EQ(net.send(a, "x"), -EPIPE);
}

TEST_F(Net, CloseWithUnreadDataIsReset) {
  int l = listener();
  auto [c, a] = pair(l);
  net.send(a, "to c");
  net.send(c, "unread by a");
  net.set_interest(c, R);
  EXPECT_EQ(poll(net), (Events{{c, R}}));
  net.set_interest(c, W);  // waiting to write only: the RST still wakes it
  EXPECT_EQ(poll(net), (Events{{c, W}}));
  net.close(a);
  EXPECT_EQ(poll(net), (Events{{c, W}}));
  EXPECT_EQ(recv(c, 2), "to");
  EXPECT_EQ(recv(c), " c");
  EXPECT_EQ(recv(c), "errno " + std::to_string(ECONNRESET));
  EXPECT_EQ(recv(c), "");
  EXPECT_EQ(net.send(c, "x"), -EPIPE);
}

TEST_F(Net, ResetTakenBySendFirst) {
  int l = listener();
  auto [c, a] = pair(l);
  net.send(c, "unread");
  net.close(a);
  EXPECT_EQ(net.send(c, "x"), -ECONNRESET);
  EXPECT_EQ(net.send(c, "x"), -EPIPE);
  EXPECT_EQ(recv(c), "");
}

TEST_F(Net, ClosingAListenerResetsWhatItDidNotAccept) {
  int l = listener();
  int c = net.socket();
  net.connect(c, name(l));
  net.close(l);
  EXPECT_EQ(net.so_error(c), ECONNRESET);
  EXPECT_EQ(recv(c), "");
}

TEST_F(Net, AcceptQueueIsFifoAndDataWaitsThere) {
  int l = listener();
  int c1 = net.socket(), c2 = net.socket();
  net.connect(c1, name(l));
  net.connect(c2, name(l));
  net.send(c2, "early");
  net.close(c2);
  SockAddr p1, p2;
  int a1 = net.accept(l, p1);
  int a2 = net.accept(l, p2);
  EXPECT_EQ(p1.port, name(c1).port);
  EXPECT_EQ(p2.port, 40001 + 1);  // c1 took 40001 (the listener 40000)
  EXPECT_EQ(recv(a2), "early");
  EXPECT_EQ(recv(a2), "");
  EXPECT_EQ(recv(a1), "errno " + std::to_string(EAGAIN));
}

TEST_F(Net, CapacityAndBackpressure) {
  VirtualNetwork small(300);
  int l = small.socket();
  small.bind(l, {"127.0.0.1", 0});
  small.listen(l, 5);
  SockAddr la;
  small.getsockname(l, la);
  int c = small.socket();
  small.connect(c, la);
  SockAddr peer;
  int a = small.accept(l, peer);
  EXPECT_EQ(small.send(c, std::string(250, 'x')), 250);
  EXPECT_EQ(small.send(c, std::string(100, 'y')), 50);  // what fits
  EXPECT_EQ(small.send(c, "z"), -EAGAIN);
  small.set_interest(c, W);
  Events ev;
  small.select(0, ev);
  EXPECT_EQ(ev, Events{});  // not writable
  std::string out;
  small.recv(a, 50, out);   // 250 unread: less than a third free
  small.select(0, ev);
  EXPECT_EQ(ev, Events{});
  small.recv(a, 100, out);  // 150 unread: half free, writable again, and woken
  small.select(0, ev);
  EXPECT_EQ(ev, (Events{{c, W}}));
}

TEST_F(Net, AddressRules) {
  int l = listener();
  int s = net.socket();
  EXPECT_EQ(net.bind(s, name(l)), -EADDRINUSE);
  EXPECT_EQ(net.bind(s, {"0.0.0.0", name(l).port}), -EADDRINUSE);
  EXPECT_EQ(net.bind(l, {"127.0.0.1", 0}), -EINVAL);
  EXPECT_EQ(net.bind(s, {"10.1.2.3", 0}), -EADDRNOTAVAIL);
  SockAddr a;
  EXPECT_EQ(net.getsockname(s, a), 0);
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 0);
  EXPECT_EQ(net.getpeername(s, a), -ENOTCONN);
  EXPECT_EQ(recv(s), "errno " + std::to_string(ENOTCONN));
  EXPECT_EQ(net.send(s, "x"), -EPIPE);
  EXPECT_EQ(net.shutdown(s, 1), -ENOTCONN);
  SockAddr peer;
  EXPECT_EQ(net.accept(s, peer), -EINVAL);
  int u = net.socket();
  EXPECT_EQ(net.listen(u, 5), 0);  // binds 0.0.0.0 and an ephemeral port
  EXPECT_EQ(name(u).host, "0.0.0.0");
  EXPECT_GT(name(u).port, 0);
  // A listener on 0.0.0.0 takes connections to 127.0.0.1.
  int c = net.socket();
  net.connect(c, {"127.0.0.1", name(u).port});
  EXPECT_GE(net.accept(u, peer), 0);
  net.close(l);
  EXPECT_EQ(net.bind(s, {"127.0.0.1", 40000}), 0);  // free once closed
}

TEST_F(Net, DeadlockRuleSeesOnlyWhatIsReadyNow) {
  int l = listener();
  net.set_interest(l, R);
  EXPECT_FALSE(net.can_become_ready());
  int c = net.socket();
  net.connect(c, name(l));
  EXPECT_TRUE(net.can_become_ready());
  SockAddr peer;
  int a = net.accept(l, peer);
  EXPECT_FALSE(net.can_become_ready());
  net.set_interest(a, R);
  EXPECT_FALSE(net.can_become_ready());
  net.send(c, "x");
  EXPECT_TRUE(net.can_become_ready());
}

}  // namespace
}  // namespace corun
