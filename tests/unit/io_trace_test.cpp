// Sockets in the trace and in the run's lifetime, through the loop's own
// network (EventLoop::network(): the virtual network or OsNetwork, wrapped
// by the tracing one when the run is traced): the --trace lines of each
// socket call, the timeline's socket rows, the Perfetto tracks, and that a
// real-clock run closes every descriptor it opened, whatever the program
// left open.
#include <gtest/gtest.h>


#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "engine/asyncio/loop.h"
#include "engine/compile/code.h"
#include "engine/load/diagnostics.h"
#include "engine/trace/timeline.h"
#include "engine/trace/timeline_svg.h"
#include "engine/trace/timeline_text.h"
#include "engine/trace/trace_json.h"
#include "engine/trace/trace_log.h"
#include "engine/vm/interp.h"
#include "tests/unit/run_scenario.h"
#include "tests/unit/open_fds.h"

namespace corun {
namespace {

const char* kHello = "coroutines:\n  main:\n    steps:\n      - print: \"hello\"\n";

using corun::testing::count_open_fds;

struct InProcessRun {
  explicit InProcessRun(ClockMode clock, Tracer* tracer = nullptr) {
    program = compile_scenario(std::make_shared<const SourceFile>("t.yaml", kHello));
    RunOptions opts;
    opts.clock = clock;
    opts.out = [](std::string_view) {};
    opts.err = [](std::string_view) {};
    opts.tracer = tracer;
    in = std::make_unique<Interp>(*program, opts);
  }
  Network& net() { return *in->loop().network(); }
  std::unique_ptr<const Program> program;
  std::unique_ptr<Interp> in;
};

// A listener, a client connected to it, the connection accepted, "hello"
// sent and read in two pieces, the client closed, EOF read, all closed.
// `fds` gets the listener's, the client's and the accepted socket's fds.
void echo_once(Network& net, ClockMode clock, int* fds = nullptr) {
  int l = net.socket();
  ASSERT_EQ(net.bind(l, {"127.0.0.1", 0}), 0);
  ASSERT_EQ(net.listen(l, 100), 0);
  SockAddr me;
  ASSERT_EQ(net.getsockname(l, me), 0);
  int c = net.socket();
  ASSERT_EQ(net.connect(c, {"127.0.0.1", me.port}), -EINPROGRESS);
  std::vector<std::pair<int, int>> ev;
  net.set_interest(l, kEventRead);
  net.set_interest(c, kEventWrite);
  int64_t wait = clock == ClockMode::Real ? 1'000'000'000 : 0;
  for (int i = 0; i < 3 && ev.size() < 2; ++i) net.select(wait, ev);
  ASSERT_EQ(net.so_error(c), 0);
  SockAddr peer;
  int s = net.accept(l, peer);
  ASSERT_GE(s, 0);
  if (fds) fds[0] = l, fds[1] = c, fds[2] = s;
  ASSERT_EQ(net.accept(l, peer), -EAGAIN);
  net.set_interest(c, 0);
  ASSERT_EQ(net.send(c, "hello"), 5);
  net.set_interest(s, kEventRead);
  ev.clear();
  net.select(wait, ev);
  std::string got;
  ASSERT_EQ(net.recv(s, 3, got), 3);
  ASSERT_EQ(net.recv(s, 100, got), 2);
  ASSERT_EQ(net.close(c), 0);
  ev.clear();
  net.select(wait, ev);
  ASSERT_EQ(net.recv(s, 100, got), 0);
  net.close(s);
  net.close(l);
}

class IoTrace : public ::testing::TestWithParam<ClockMode> {};

TEST_P(IoTrace, EachSocketCallIsOneLine) {
  TraceRecorder rec;
  int fds[3] = {-1, -1, -1};
  {
    InProcessRun run(GetParam(), &rec);
    echo_once(run.net(), GetParam(), fds);
  }
  TraceLog log(nullptr);
  std::vector<std::string> lines;
  for (const TraceEvent& e : rec.events)
    if (e.kind == TraceKind::Io) lines.push_back(log.format(e).substr(12));  // without the time
  // The fds the calls returned: the real clock's are the process's lowest
  // free ones, which depend on what else it holds open (ctest's own pipes).
  auto fd = [&](int k) { return std::to_string(fds[k]); };
  std::vector<std::string> want = {
      "io          socket fd " + fd(0) + " by the loop",
      "io          listen fd " + fd(0) + " by the loop",
      "io          socket fd " + fd(1) + " by the loop",
      "io          connect fd " + fd(1) + ": EINPROGRESS by the loop",
      "io          connected fd " + fd(1) + " by the loop",
      "io          accept fd " + fd(2) + " on fd " + fd(0) + " by the loop",
      "io          accept on fd " + fd(0) + ": EAGAIN by the loop",
      "io          send fd " + fd(1) + ": 5 bytes by the loop",
      "io          recv fd " + fd(2) + ": 3 bytes by the loop",
      "io          recv fd " + fd(2) + ": 2 bytes by the loop",
      "io          close fd " + fd(1) + " by the loop",
      "io          recv fd " + fd(2) + ": EOF by the loop",
      "io          close fd " + fd(2) + " by the loop",
      "io          close fd " + fd(0) + " by the loop",
  };
  EXPECT_EQ(lines, want);
  for (auto& line : lines) EXPECT_EQ(line.find("127.0.0.1"), std::string::npos) << line;
}

TEST_P(IoTrace, TimelineHasARowPerSocket) {
  TraceRecorder rec;
  {
    InProcessRun run(GetParam(), &rec);
    echo_once(run.net(), GetParam());
  }
  Timeline tl = build_timeline(rec.events);
  ASSERT_EQ(tl.sockets.size(), 3u);
  EXPECT_EQ(tl.sockets[0].kind, "listener");
  EXPECT_EQ(tl.sockets[1].kind, "client");
  EXPECT_EQ(tl.sockets[1].sent, 5);
  EXPECT_EQ(tl.sockets[2].kind, "accepted");
  EXPECT_EQ(tl.sockets[2].listener, tl.sockets[0].fd);
  EXPECT_EQ(tl.sockets[2].received, 5);
  for (auto& s : tl.sockets) EXPECT_TRUE(s.is_closed);

  std::string text = render_timeline_text(tl, 80, true);
  EXPECT_NE(text.find(tl.sockets[1].label()), std::string::npos) << text;
  EXPECT_NE(text.find("↑"), std::string::npos) << text;
  EXPECT_NE(text.find("↓"), std::string::npos) << text;
  EXPECT_NE(text.find(" closed\n"), std::string::npos) << text;
  EXPECT_NE(text.find("─ socket open  ↑ sent  ↓ received  ↕ both"), std::string::npos) << text;

  std::string svg = render_timeline_svg(tl, "t.yaml");
  EXPECT_NE(svg.find("<g class=\"socket\" data-fd=\"" + std::to_string(tl.sockets[1].fd) + "\">"), std::string::npos);
  EXPECT_NE(svg.find("<path class=\"send\""), std::string::npos);
  EXPECT_NE(svg.find("<path class=\"recv\""), std::string::npos);
  EXPECT_NE(svg.find(">received</text>"), std::string::npos);

  std::string json = render_trace_json(tl, "t.yaml");
  EXPECT_NE(json.find("\"name\":\"socket " + tl.sockets[2].label() + "\""), std::string::npos);
  EXPECT_NE(json.find("\"name\":\"send: 5 bytes\""), std::string::npos);
  EXPECT_NE(json.find("\"cat\":\"socket\""), std::string::npos);
  EXPECT_NE(json.find("\"sent\":5"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Clocks, IoTrace, ::testing::Values(ClockMode::Virtual, ClockMode::Real),
                         [](const auto& info) { return info.param == ClockMode::Real ? "Real" : "Virtual"; });

TEST(IoTrace, NoSocketsNoSocketRows) {
  TraceRecorder rec;
  { InProcessRun run(ClockMode::Virtual, &rec); run.in->run(); }
  Timeline tl = build_timeline(rec.events);
  EXPECT_TRUE(tl.sockets.empty());
  EXPECT_EQ(render_timeline_text(tl, 80, true).find("socket open"), std::string::npos);
  EXPECT_EQ(render_timeline_svg(tl, "t.yaml").find("socket"), std::string::npos);
}

TEST(RealClockRun, ClosesEverySocketItOpened) {
  int before = count_open_fds();
  {
    InProcessRun run(ClockMode::Real);
    Network& net = run.net();
    int l = net.socket();
    ASSERT_EQ(net.bind(l, {"127.0.0.1", 0}), 0);
    ASSERT_EQ(net.listen(l, 100), 0);
    SockAddr me;
    net.getsockname(l, me);
    net.set_interest(l, kEventRead);
    for (int i = 0; i < 10; ++i) {
      int c = net.socket();
      net.connect(c, {"127.0.0.1", me.port});
      net.set_interest(c, kEventWrite);
    }
    EXPECT_GE(count_open_fds(), before + 11);
    run.in->run();  // the program never touches them: they are abandoned
  }
  EXPECT_EQ(count_open_fds(), before);
}

// A scenario that opens sockets and leaves them: a server never closed,
// clients whose writers are dropped unclosed, a connection refused, a
// listener made and forgotten. Run after run, on the real clock (the
// kernel's own descriptors), the process has the fds it had before.
const char* kAbandons = R"(coroutines:
  handle:
    params: [reader, writer]
    steps:
      - await: reader.readline()
        as: line
      - call: writer.write(line)
  client:
    params: [port]
    steps:
      - await: asyncio.open_connection("127.0.0.1", port)
        as: [r, w]
      - call: w.write(b"hi\n")
      - await: r.readline()
        as: echoed
      - return: echoed
  main:
    steps:
      - await: asyncio.start_server(handle, "127.0.0.1", 0)
        as: server
      - set:
          port: server.sockets[0].getsockname()[1]
      - gather: [client(port), client(port), client(port)]
        as: got
      - print: "{got}"
      - await: asyncio.start_server(handle, "127.0.0.1", 0)
      - try:
          - await: asyncio.open_connection("127.0.0.1", 1)
        except:
          - type: ConnectionRefusedError
            steps:
              - print: "refused"
)";

TEST(RealClockRun, AScenarioThatAbandonsSocketsLeavesNoFdOpen) {
  RunOptions opts;
  opts.clock = ClockMode::Real;
  int before = count_open_fds();
  for (int i = 0; i < 3; ++i) {
    auto r = testing::run_yaml(kAbandons, opts);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "[b'hi\\n', b'hi\\n', b'hi\\n']\nrefused\n") << r.err;
    EXPECT_EQ(count_open_fds(), before) << "after run " << i + 1;
  }
}

// The same program traced on the virtual clock: the second server's
// listener, dropped unclosed, is closed as its socket object is freed (by
// no task and no callback: "by the loop"), not left to the end of the run.
TEST(VirtualClockRun, AFreedSocketIsClosedWhenItGoes) {
  TraceRecorder rec;
  RunOptions opts;
  opts.tracer = &rec;
  auto r = testing::run_yaml(kAbandons, opts);
  EXPECT_EQ(r.status, 0) << r.err;
  int freed = 0;
  for (auto& e : rec.events)
    if (e.kind == TraceKind::Io && e.detail == "close" && !e.parent && !e.callback) ++freed;
  EXPECT_EQ(freed, 1);
  EXPECT_EQ(build_timeline(rec.events).sockets.size(), 9u);
}

}  // namespace
}  // namespace corun
