// The sockets, the selector and the loop's I/O phase together, on the
// virtual network: scenarios that call the prelude's private natives
// (_socket, _add_reader, ...) directly, as the streams port does, compared
// with what CPython 3.11 printed for the same program over real loopback
// sockets with loop.add_reader/add_writer (the Python versions are in the
// comments; rerun them with python3 to check an expectation). Ports are
// never printed: CPython's are ephemeral.
#include <gtest/gtest.h>

#include "tests/unit/run_scenario.h"

namespace corun {
namespace {

using Result = testing::RunResult;

Result run_private(const std::string& yaml) {
  return testing::run_yaml(yaml, {}, compile_scenario_with_private_builtins);
}

// A future the reader or writer callback resolves: how the tests wait for an fd.
const char* const kWaitIo = R"yaml(functions:
  wake:
    params: [fut, what]
    steps:
      - if: not fut.done()
        then:
          - call: fut.set_result(what)
  tick_cb:
    params: [name]
    steps:
      - print: "tick {name}"
coroutines:
  wait_io:
    params: [loop, fd, write]
    steps:
      - set: {fut: loop.create_future()}
      - if: write
        then:
          - call: _add_writer(fd, wake, fut, "w")
        else:
          - call: _add_reader(fd, wake, fut, "r")
      - await: fut
        as: r
      - if: write
        then:
          - call: _remove_writer(fd)
        else:
          - call: _remove_reader(fd)
      - return: r
)yaml";

/* basics, in Python:
import asyncio, socket
def wake(fut, what):
    if not fut.done(): fut.set_result(what)
def tick_cb(name): print(f"tick {name}")
async def wait_io(loop, fd, write):
    fut = loop.create_future()
    if write: loop.add_writer(fd, wake, fut, "w")
    else: loop.add_reader(fd, wake, fut, "r")
    r = await fut
    if write: loop.remove_writer(fd)
    else: loop.remove_reader(fd)
    return r
def ns():
    s = socket.socket(); s.setblocking(False); return s
async def main():
    loop = asyncio.get_running_loop()
    srv = ns(); srv.bind(("127.0.0.1", 0)); srv.listen(5)
    c = ns()
    try: c.connect(srv.getsockname())
    except BlockingIOError as e: print(f"connect: {e!r} {e} {e.errno}")
    await wait_io(loop, c.fileno(), True)
    print(f"so_error {c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)}")
    await wait_io(loop, srv.fileno(), False)
    pair = srv.accept(); a = pair[0]; a.setblocking(False)
    print(f"{a.getsockname() == srv.getsockname()} {pair[1] == c.getsockname()} {a.getpeername() == c.getsockname()}")
    c.send(b"hello")
    loop.call_soon(tick_cb, "soon")
    await wait_io(loop, a.fileno(), False)
    print(f"recv {a.recv(100)}")
    try: a.recv(100)
    except BlockingIOError as e: print(f"recv: {e!r} {e}")
    c.close()
    await wait_io(loop, a.fileno(), False)
    print(f"eof {a.recv(100)}")
    print(f"send {a.send(b'x')}")
    try: a.send(b"y")
    except OSError as e: print(f"send: {e!r} {e}")
    r = ns()
    try: r.connect(("127.0.0.1", 1))
    except BlockingIOError: pass
    await wait_io(loop, r.fileno(), True)
    print(f"refused so_error {r.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)} {r.recv(10)}")
    r.close()
    print(f"{r!r}")
    try: r.fileno() + r.recv(1)
    except OSError as e: print(f"closed: {e!r}")
    b = ns()
    try: b.bind(srv.getsockname())
    except OSError as e: print(f"bind: {e!r}")
    a.close(); srv.close(); b.close()
asyncio.run(main())
*/
TEST(SocketsLoop, BasicsAsCPythonPrintsThem) {
  Result r = run_private(std::string(kWaitIo) + R"yaml(  main:
    - set: {loop: asyncio.get_running_loop()}
    - set: {srv: _socket()}
    - call: srv.bind(("127.0.0.1", 0))
    - call: srv.listen(5)
    - set: {c: _socket()}
    - try:
        - call: c.connect(srv.getsockname())
      except:
        - type: BlockingIOError
          as: e
          steps:
            - print: "connect: {e!r} {e} {e.errno}"
    - await: wait_io(loop, c.fileno(), True)
    - print: "so_error {c.getsockopt(_SOL_SOCKET, _SO_ERROR)}"
    - await: wait_io(loop, srv.fileno(), False)
    - set: {pair: srv.accept()}
    - set: {a: !expr "pair[0]"}
    - print: "{a.getsockname() == srv.getsockname()} {pair[1] == c.getsockname()} {a.getpeername() == c.getsockname()}"
    - call: c.send(b"hello")
    - call: loop.call_soon(tick_cb, "soon")
    - await: wait_io(loop, a.fileno(), False)
    - print: "recv {a.recv(100)}"
    - try:
        - call: a.recv(100)
      except:
        - type: BlockingIOError
          as: e
          steps:
            - print: "recv: {e!r} {e}"
    - call: c.close()
    - await: wait_io(loop, a.fileno(), False)
    - print: "eof {a.recv(100)}"
    - print: "send {a.send(b'x')}"
    - try:
        - call: a.send(b"y")
      except:
        - type: OSError
          as: e
          steps:
            - print: "send: {e!r} {e}"
    - set: {r: _socket()}
    - try:
        - call: r.connect(("127.0.0.1", 1))
      except:
        - type: BlockingIOError
          steps:
            - pass
    - await: wait_io(loop, r.fileno(), True)
    - print: "refused so_error {r.getsockopt(_SOL_SOCKET, _SO_ERROR)} {r.recv(10)}"
    - call: r.close()
    - print: "{r!r}"
    - try:
        - call: r.fileno() + r.recv(1)
      except:
        - type: OSError
          as: e
          steps:
            - print: "closed: {e!r}"
    - set: {b: _socket()}
    - try:
        - call: b.bind(srv.getsockname())
      except:
        - type: OSError
          as: e
          steps:
            - print: "bind: {e!r}"
    - call: a.close()
    - call: srv.close()
    - call: b.close()
)yaml");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, R"out(connect: BlockingIOError(115, 'Operation now in progress') [Errno 115] Operation now in progress 115
so_error 0
True True True
tick soon
recv b'hello'
recv: BlockingIOError(11, 'Resource temporarily unavailable') [Errno 11] Resource temporarily unavailable
eof b''
send 1
send: BrokenPipeError(32, 'Broken pipe') [Errno 32] Broken pipe
refused so_error 111 b''
<socket.socket [closed] fd=-1, family=2, type=1, proto=0>
closed: OSError(9, 'Bad file descriptor')
bind: OSError(98, 'Address already in use')
)out");
}

/* Three clients, an echo server and a ticker task, in Python:
import asyncio, socket
def wake(fut, what):
    if not fut.done(): fut.set_result(what)
async def wait(loop, fd, write):
    fut = loop.create_future()
    if write: loop.add_writer(fd, wake, fut, 'w')
    else: loop.add_reader(fd, wake, fut, 'r')
    r = await fut
    if write: loop.remove_writer(fd)
    else: loop.remove_reader(fd)
    return r
async def ticker():
    for i in range(8):
        print(f'tick {i}')
        await asyncio.sleep(0)
async def server_conn(loop, a, name):
    while True:
        await wait(loop, a.fileno(), False)
        d = a.recv(100)
        print(f'server {name} {d}')
        if not d: break
        a.send(d.upper())
    a.close()
async def server(loop, srv, n):
    tasks = []
    for i in range(n):
        await wait(loop, srv.fileno(), False)
        pair = srv.accept()
        pair[0].setblocking(False)
        print(f'accepted {i}')
        tasks.append(asyncio.create_task(server_conn(loop, pair[0], i)))
    await asyncio.gather(*tasks)
async def client(loop, addr, name, msgs):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(addr)
    except BlockingIOError: pass
    await wait(loop, c.fileno(), True)
    print(f'client {name} connected {c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)}')
    for m in msgs:
        c.send(m)
        await wait(loop, c.fileno(), False)
        print(f'client {name} got {c.recv(100)}')
    c.shutdown(socket.SHUT_WR)
    await wait(loop, c.fileno(), False)
    print(f'client {name} eof {c.recv(100)}')
    c.close()
async def main():
    loop = asyncio.get_running_loop()
    srv = socket.socket(); srv.setblocking(False); srv.bind(('127.0.0.1', 0)); srv.listen(5)
    addr = srv.getsockname()
    t = asyncio.create_task(ticker())
    s = asyncio.create_task(server(loop, srv, 3))
    await asyncio.gather(client(loop, addr, 'A', [b'a1', b'a2']), client(loop, addr, 'B', [b'b1']), client(loop, addr, 'C', [b'c1', b'c2', b'c3']))
    await s; await t
    srv.close()
asyncio.run(main())
*/
TEST(SocketsLoop, CallbacksInterleaveAsOnRealLoopback) {
  Result r = run_private(std::string(kWaitIo) + R"yaml(  ticker:
    steps:
      - for: i
        in: range(8)
        steps:
          - print: "tick {i}"
          - sleep: 0
  server_conn:
    params: [loop, a, name]
    steps:
      - while: true
        steps:
          - await: wait_io(loop, a.fileno(), False)
          - set: {d: a.recv(100)}
          - print: "server {name} {d}"
          - if: not d
            then:
              - break
          - call: a.send(d.upper())
      - call: a.close()
  server:
    params: [loop, srv, n]
    steps:
      - set: {tasks: []}
      - for: i
        in: range(n)
        steps:
          - await: wait_io(loop, srv.fileno(), False)
          - set: {pair: srv.accept()}
          - print: "accepted {i}"
          - task: server_conn(loop, pair[0], i)
            as: t
          - call: tasks.append(t)
      - gather: tasks
  client:
    params: [loop, addr, name, msgs]
    steps:
      - set: {c: _socket()}
      - try:
          - call: c.connect(addr)
        except:
          - type: BlockingIOError
            steps:
              - pass
      - await: wait_io(loop, c.fileno(), True)
      - print: "client {name} connected {c.getsockopt(_SOL_SOCKET, _SO_ERROR)}"
      - for: m
        in: msgs
        steps:
          - call: c.send(m)
          - await: wait_io(loop, c.fileno(), False)
          - print: "client {name} got {c.recv(100)}"
      - call: c.shutdown(_SHUT_WR)
      - await: wait_io(loop, c.fileno(), False)
      - print: "client {name} eof {c.recv(100)}"
      - call: c.close()
  main:
    - set: {loop: asyncio.get_running_loop()}
    - set: {srv: _socket()}
    - call: srv.bind(("127.0.0.1", 0))
    - call: srv.listen(5)
    - set: {addr: srv.getsockname()}
    - task: ticker()
      as: t
    - task: server(loop, srv, 3)
      as: s
    - gather:
        - client(loop, addr, "A", [b"a1", b"a2"])
        - client(loop, addr, "B", [b"b1"])
        - client(loop, addr, "C", [b"c1", b"c2", b"c3"])
    - await: s
    - await: t
    - call: srv.close()
)yaml");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, R"out(tick 0
tick 1
tick 2
accepted 0
client A connected 0
client B connected 0
client C connected 0
tick 3
tick 4
accepted 1
tick 5
server 0 b'a1'
tick 6
accepted 2
tick 7
server 1 b'b1'
client A got b'A1'
server 2 b'c1'
client B got b'B1'
server 0 b'a2'
client C got b'C1'
server 1 b''
client A got b'A2'
server 2 b'c2'
client B eof b''
server 0 b''
client C got b'C2'
client A eof b''
server 2 b'c3'
client C got b'C3'
server 2 b''
client C eof b''
)out");
}

/* A socket freed unclosed closes its fd, in Python:
import asyncio, socket, gc
def ns():
    s = socket.socket(); s.setblocking(False); return s
async def main():
    srv = ns(); srv.bind(("127.0.0.1", 0)); srv.listen(5)
    c = ns(); c.connect_ex(srv.getsockname())
    pair = srv.accept(); a = pair[0]; a.setblocking(False); pair = None
    c.send(b"bye")
    c = None
    print(f"{a.recv(10)} {a.recv(10)}")
    c = ns(); c.connect_ex(srv.getsockname())
    pair = srv.accept(); b = pair[0]; pair = None
    c.send(b"unread")
    b = None
    try: c.recv(10)
    except OSError as e: print(f"{e!r}")
    try: srv.accept()
    except BlockingIOError as e: print(f"accept: {e!r}")
asyncio.run(main())
*/
TEST(SocketsLoop, AFreedSocketClosesItsFd) {
  Result r = run_private(std::string(kWaitIo) + R"yaml(  main:
    - set: {srv: _socket()}
    - call: srv.bind(("127.0.0.1", 0))
    - call: srv.listen(5)
    - set: {c: _socket()}
    - call: c.connect_ex(srv.getsockname())
    - set: {pair: srv.accept()}
    - set: {a: !expr "pair[0]"}
    - set: {pair: None}
    - call: c.send(b"bye")
    - set: {c: None}
    - print: "{a.recv(10)} {a.recv(10)}"
    - set: {c: _socket()}
    - call: c.connect_ex(srv.getsockname())
    - set: {pair: srv.accept()}
    - set: {b: !expr "pair[0]"}
    - set: {pair: None}
    - call: c.send(b"unread")
    - set: {b: None}
    - try:
        - call: c.recv(10)
      except:
        - type: OSError
          as: e
          steps:
            - print: "{e!r}"
    - try:
        - call: srv.accept()
      except:
        - type: BlockingIOError
          as: e
          steps:
            - print: "accept: {e!r}"
)yaml");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, R"out(b'bye' b''
ConnectionResetError(104, 'Connection reset by peer')
accept: BlockingIOError(11, 'Resource temporarily unavailable')
)out");
}

// corun's own choices (not CPython's, whose ports vary): the first socket
// is fd 6, ephemeral ports count from 40000, and the repr is socket.py's.
TEST(SocketsLoop, ReprAndDeterministicPorts) {
  Result r = run_private(std::string(kWaitIo) + R"yaml(  main:
    - set:
        srv: _socket(_AF_INET, _SOCK_STREAM, _IPPROTO_TCP)
    - call: srv.bind(("127.0.0.1", 0))
    - call: srv.listen(5)
    - print: "{srv!r}"
    - set: {c: _socket()}
    - call: c.connect_ex(("localhost", srv.getsockname()[1]))
    - print: "{c!r}"
    - set: {pair: srv.accept()}
    - print: "{pair!r}"
    - print: "{_socket()!r}"
)yaml");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "<socket.socket fd=6, family=2, type=1, proto=6, laddr=('127.0.0.1', 40000)>\n"
            "<socket.socket fd=7, family=2, type=1, proto=0, laddr=('127.0.0.1', 40001), raddr=('127.0.0.1', 40000)>\n"
            "(<socket.socket fd=8, family=2, type=1, proto=6, laddr=('127.0.0.1', 40000), raddr=('127.0.0.1', 40001)>, "
            "('127.0.0.1', 40001))\n"
            "<socket.socket fd=9, family=2, type=1, proto=0, laddr=('0.0.0.0', 0)>\n");
}

// A server nobody connects to can never become ready on the virtual
// network: the run is a deadlock (exit 3), where CPython would wait for ever.
TEST(SocketsLoop, AListenerNobodyCanReachIsADeadlock) {
  Result r = run_private(std::string(kWaitIo) + R"yaml(  main:
    - set: {srv: _socket()}
    - call: srv.bind(("127.0.0.1", 0))
    - call: srv.listen(5)
    - await: wait_io(asyncio.get_running_loop(), srv.fileno(), False)
)yaml");
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("deadlock"), std::string::npos) << r.err;
}

// Only loopback exists on the virtual network.
TEST(SocketsLoop, NonLoopbackIsRefused) {
  Result r = run_private(std::string(kWaitIo) + R"yaml(  main:
    - try:
        - call: _socket().connect(("10.1.2.3", 80))
      except:
        - type: PermissionError
          as: e
          steps:
            - print: "{e}"
)yaml");
  EXPECT_EQ(r.out,
            "[Errno 1] corun: 10.1.2.3 is not a loopback address; the virtual network has only loopback "
            "(use --clock real --allow-network to reach it)\n");
}

}  // namespace
}  // namespace corun
