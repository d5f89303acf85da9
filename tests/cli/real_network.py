#!/usr/bin/env python3
"""Sockets on `--clock real` (the kernel's own, engine/asyncio/os_network.cpp),
against the real binary: loopback only unless --allow-network (binding
0.0.0.0 and connecting to 10.1.2.3 are PermissionError, each with its
message; --allow-network binds 0.0.0.0; the virtual clock refuses the far
address too, saying it has only loopback); Ctrl-C ends a run that waits on
a listening socket (serve_forever) with exit 130, as it ends one waiting on
a timer; and a real-clock run's streams print what the virtual clock's do.
Needs loopback networking; Python 3 standard library only.

    real_network.py --corun build/corun
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT = 60  # seconds: a run this long hangs
failures = []

BIND_ANY = """coroutines:
  handle:
    params: [reader, writer]
    steps:
      - call: writer.close()
  main:
    steps:
      - try:
          - await: asyncio.start_server(handle, "0.0.0.0", 0)
            as: server
          - print: "bound {server.sockets[0].getsockname()[0]}"
          - call: server.close()
        except:
          - type: PermissionError
            as: e
            steps:
              - print: "{type(e).__name__}: {e}"
"""

CONNECT_FAR = """coroutines:
  main:
    steps:
      - try:
          - await: asyncio.open_connection("10.1.2.3", 80)
        except:
          - type: PermissionError
            as: e
            steps:
              - print: "{type(e).__name__}: {e}"
"""

SERVE = """coroutines:
  handle:
    params: [reader, writer]
    steps:
      - call: writer.close()
  main:
    steps:
      - await: asyncio.start_server(handle, "127.0.0.1", 0)
        as: server
      - print: "serving"
      - await: server.serve_forever()
"""

ECHO = """coroutines:
  handle:
    params: [reader, writer]
    steps:
      - async_for: line
        in: reader
        steps:
          - call: writer.write(line.upper())
          - await: writer.drain()
      - call: writer.close()
  client:
    params: [port, name]
    steps:
      - await: asyncio.open_connection("127.0.0.1", port)
        as: [r, w]
      - call: w.write(("hello from " + name + "\\n").encode())
      - await: r.readline()
        as: got
      - call: w.close()
      - await: w.wait_closed()
      - return: got
  main:
    steps:
      - await: asyncio.start_server(handle, "127.0.0.1", 0)
        as: server
      - set:
          port: server.sockets[0].getsockname()[1]
      - gather:
          - client(port, "a")
          - client(port, "b")
          - client(port, "c")
        as: got
      - print: "{got}"
      - call: server.close()
      - await: server.wait_closed()
"""


def run(corun, args, cwd):
    try:
        r = subprocess.run([corun] + args, cwd=cwd, capture_output=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def check(name, got, exit_code, stdout_is=None, stderr=()):
    code, out, err = got
    problems = []
    if code != exit_code:
        problems.append(f"exit {code}, expected {exit_code}")
    if stdout_is is not None and out != stdout_is:
        problems.append(f"stdout {out!r}, expected {stdout_is!r}")
    for s in stderr:
        if s not in err:
            problems.append(f"stderr lacks {s!r}")
    if problems:
        failures.append(name)
        print(f"FAIL {name}: {'; '.join(problems)}\n  stderr: {err[-500:]!r}")
    else:
        print(f"ok   {name}")


def loopback_only(corun, tmp):
    (tmp / "bind_any.yaml").write_text(BIND_ANY)
    (tmp / "connect_far.yaml").write_text(CONNECT_FAR)
    check("--clock real: binding 0.0.0.0 needs --allow-network",
          run(corun, ["run", "--clock", "real", "bind_any.yaml"], tmp), 0,
          stdout_is="PermissionError: [Errno 1] error while attempting to bind on address ('0.0.0.0', 0): "
                    "corun: binding 0.0.0.0 listens beyond loopback; pass --allow-network to do it\n")
    check("--clock real --allow-network: 0.0.0.0 binds",
          run(corun, ["run", "--clock", "real", "--allow-network", "bind_any.yaml"], tmp), 0,
          stdout_is="bound 0.0.0.0\n")
    check("--clock real: 10.1.2.3 needs --allow-network",
          run(corun, ["run", "--clock", "real", "connect_far.yaml"], tmp), 0,
          stdout_is="PermissionError: [Errno 1] corun: 10.1.2.3 is not a loopback address; "
                    "pass --allow-network to reach it\n")
    check("virtual clock: 10.1.2.3 cannot be reached",
          run(corun, ["run", "connect_far.yaml"], tmp), 0,
          stdout_is="PermissionError: [Errno 1] corun: 10.1.2.3 is not a loopback address; the virtual network "
                    "has only loopback (use --clock real --allow-network to reach it)\n")


def socket_count(pid):
    try:
        return sum(os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:") for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def ctrl_c_while_serving(corun, tmp):
    """Ctrl-C ends serve_forever on the real clock: the wait on the listener
    (libevent, with the loop's SIGINT event on the same base) returns, and
    the main task is cancelled as asyncio.run does (exit 130)."""
    (tmp / "serve.yaml").write_text(SERVE)
    p = subprocess.Popen([corun, "run", "--clock", "real", "serve.yaml"], cwd=tmp, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    # Serving once a listener is open: libevent's signal socketpair is two
    # sockets, the listener the third. (stdout is a pipe: block-buffered,
    # as CPython's is, so "serving" arrives only at the end.)
    deadline = time.monotonic() + TIMEOUT
    while socket_count(p.pid) < 3 and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.02)
    time.sleep(0.1)
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=TIMEOUT)
        got = (p.returncode, out.decode(errors="replace"), err.decode(errors="replace"))
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        got = ("timeout", "", "")
    check("Ctrl-C ends serve_forever on the real clock (exit 130)", got, 130, stdout_is="serving\n")


def same_on_both_clocks(corun, tmp):
    (tmp / "echo.yaml").write_text(ECHO)
    want = "[b'HELLO FROM A\\n', b'HELLO FROM B\\n', b'HELLO FROM C\\n']\n"
    check("streams on the virtual clock", run(corun, ["run", "echo.yaml"], tmp), 0, stdout_is=want)
    check("the same streams on real loopback sockets", run(corun, ["run", "--clock", "real", "echo.yaml"], tmp), 0,
          stdout_is=want)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corun", required=True)
    args = parser.parse_args()
    corun = str(Path(args.corun).resolve())
    with tempfile.TemporaryDirectory(prefix="corun-realnet-") as d:
        tmp = Path(d)
        for part in (loopback_only, ctrl_c_while_serving, same_on_both_clocks):
            part(corun, tmp)
    if failures:
        print(f"\n{len(failures)} failed: {', '.join(failures)}")
        return 1
    print("\nall passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
