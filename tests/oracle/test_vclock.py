#!/usr/bin/env python3
"""Self-test of the virtual-clock harness (standard library only).

    python3 tests/oracle/test_vclock.py        # or: python3 -m unittest ...

Each test writes a small program, runs it with `vclock.py` in a fresh
interpreter and checks stdout, stderr and the exit status.
"""

import os
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

VCLOCK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vclock.py")


def run(source, hashseed=0):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "prog.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(source))
        env = dict(os.environ, PYTHONHASHSEED=str(hashseed),
                   PYTHONIOENCODING="utf-8")
        env.pop("PYTHONASYNCIODEBUG", None)
        p = subprocess.run([sys.executable, VCLOCK, "prog.py"], cwd=d,
                           env=env, capture_output=True, text=True,
                           timeout=60)
        return p.stdout, p.stderr, p.returncode


TWELVE = """
    import asyncio, time

    async def worker(i):
        await asyncio.sleep(1)
        print(f"worker {i} at {time.time()}")

    async def main():
        await asyncio.gather(*(worker(i) for i in range(12)))
        tasks = [asyncio.create_task(worker(i)) for i in range(12, 24)]
        for t in tasks:
            await t

    asyncio.run(main())
"""


class VirtualClockTest(unittest.TestCase):

    def test_equal_deadlines_fire_in_creation_order(self):
        out, err, rc = run(TWELVE)
        self.assertEqual(rc, 0, err)
        expected = [f"worker {i} at 1.0" for i in range(12)] + \
                   [f"worker {i} at 2.0" for i in range(12, 24)]
        self.assertEqual(out.splitlines(), expected)

    def test_two_runs_identical(self):
        self.assertEqual(run(TWELVE, 1), run(TWELVE, 2))

    def test_no_real_waiting(self):
        t0 = time.monotonic()
        out, err, rc = run("""
            import asyncio
            async def main():
                await asyncio.sleep(3600)
                print("an hour later")
            asyncio.run(main())
        """)
        self.assertEqual((out, rc), ("an hour later\n", 0), err)
        self.assertLess(time.monotonic() - t0, 30)

    def test_all_clocks_start_at_zero_and_differences_are_exact(self):
        out, err, rc = run("""
            import asyncio, time
            async def main():
                loop = asyncio.get_running_loop()
                print(time.time(), time.monotonic(), time.perf_counter(),
                      loop.time())
                start = time.time()
                await asyncio.sleep(1.5)
                print(time.time() - start)
                await asyncio.sleep(2)
                print(time.time() - start, loop.time())
            asyncio.run(main())
        """)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "0.0 0.0 0.0 0.0\n1.5\n3.5 3.5\n")

    def test_time_sleep_blocks_the_loop_and_moves_the_clock(self):
        out, err, rc = run("""
            import asyncio, time
            async def ticker():
                await asyncio.sleep(1)
                print(f"ticker woke at {time.time()}")
            async def blocker():
                time.sleep(2.5)
                print(f"blocker done at {time.time()}")
            async def main():
                await asyncio.gather(ticker(), blocker())
                time.sleep(0)
                print(f"end at {time.monotonic()}")
            asyncio.run(main())
        """)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "blocker done at 2.5\n"
                              "ticker woke at 2.5\n"
                              "end at 2.5\n")

    def test_time_sleep_rejects_negative(self):
        out, err, rc = run("""
            import time
            try:
                time.sleep(-1)
            except ValueError as e:
                print(e)
        """)
        self.assertEqual(out, "sleep length must be non-negative\n")

    def test_time_sleep_converts_as_cpython_does(self):
        # CPython's _PyTime_t conversion errors (checked before the sign).
        out, err, rc = run("""
            import time
            for secs in (2**63, -2**62, 1e300, float("inf"), float("nan")):
                try:
                    time.sleep(secs)
                except (OverflowError, ValueError) as e:
                    print(type(e).__name__, e)
        """)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "OverflowError timestamp too large to convert to C _PyTime_t\n"
                              "OverflowError timestamp too large to convert to C _PyTime_t\n"
                              "OverflowError timestamp out of range for platform time_t\n"
                              "OverflowError timestamp out of range for platform time_t\n"
                              "ValueError Invalid value NaN (not a number)\n")

    def test_shutdown_cancels_in_creation_order(self):
        out, err, rc = run("""
            import asyncio
            async def forever(i):
                try:
                    await asyncio.sleep(100)
                except asyncio.CancelledError:
                    print("cancelled", i)
                    raise
            async def main():
                for i in range(20):
                    asyncio.create_task(forever(i))
                await asyncio.sleep(1)
                print("main done")
            asyncio.run(main())
        """)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines(),
                         ["main done"] + [f"cancelled {i}" for i in range(20)])

    def test_deadlock_exits_3(self):
        out, err, rc = run("""
            import asyncio
            async def main():
                print("waiting forever")
                await asyncio.Event().wait()
            asyncio.run(main())
        """)
        self.assertEqual((out, err, rc), ("waiting forever\n", "deadlock\n", 3))

    def test_uncaught_exception_traceback_and_status(self):
        out, err, rc = run("""
            import asyncio
            async def main():
                print("before")
                raise ValueError("boom")
            asyncio.run(main())
        """)
        self.assertEqual((out, rc), ("before\n", 1))
        self.assertTrue(err.startswith("Traceback (most recent call last):\n"
                                       '  File "prog.py", line 6'), err)
        self.assertTrue(err.endswith("ValueError: boom\n"), err)
        self.assertNotIn("vclock.py", err)
        self.assertNotIn("runpy", err)

    def test_program_runs_as_main(self):
        out, err, rc = run("""
            import sys
            print(__name__, sys.argv[0])
        """)
        self.assertEqual((out, rc), ("__main__ prog.py\n", 0), err)

    def test_threads_deliver_results(self):
        out, err, rc = run("""
            import asyncio
            def work(x):
                return x * 2
            async def main():
                print(await asyncio.gather(asyncio.to_thread(work, 1),
                                           asyncio.to_thread(work, 2)))
            asyncio.run(main())
        """)
        self.assertEqual((out, rc), ("[2, 4]\n", 0), err)

    # Sockets on real loopback (docstring, points 4 and 5).

    def test_server_nobody_connects_to_is_a_deadlock(self):
        t0 = time.monotonic()
        out, err, rc = run("""
            import asyncio
            async def main():
                server = await asyncio.start_server(lambda r, w: None,
                                                    "127.0.0.1", 0)
                print("serving")
                await server.serve_forever()
            asyncio.run(main())
        """)
        self.assertEqual((out, err, rc), ("serving\n", "deadlock\n", 3))
        self.assertLess(time.monotonic() - t0, 30)

    def test_reader_nobody_writes_to_is_a_deadlock(self):
        out, err, rc = run("""
            import asyncio
            async def handle(reader, writer):
                print("accepted")
            async def main():
                server = await asyncio.start_server(handle, "127.0.0.1", 0)
                port = server.sockets[0].getsockname()[1]
                reader, writer = await asyncio.open_connection("127.0.0.1",
                                                               port)
                print("connected")
                await reader.read(1)
            asyncio.run(main())
        """)
        self.assertEqual((out, err, rc),
                         ("accepted\nconnected\n", "deadlock\n", 3))

    def test_socket_io_happens_before_the_clock_jumps(self):
        # A timer is due in an hour: every exchange must still happen at
        # virtual time 0.0, and the timer fire after them, an hour later.
        out, err, rc = run("""
            import asyncio, time
            async def handle(reader, writer):
                while line := await reader.readline():
                    writer.write(line.upper())
                    await writer.drain()
                writer.close()
            async def later():
                await asyncio.sleep(3600)
                print(f"timer at {time.time()}")
            async def main():
                t = asyncio.create_task(later())
                server = await asyncio.start_server(handle, "127.0.0.1", 0)
                port = server.sockets[0].getsockname()[1]
                reader, writer = await asyncio.open_connection("127.0.0.1",
                                                               port)
                for word in (b"a", b"b", b"c"):
                    writer.write(word + b"\\n")
                    print(await reader.readline(), time.time())
                writer.close()
                await writer.wait_closed()
                await t
                server.close()
                await server.wait_closed()
            asyncio.run(main())
        """)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "b'A\\n' 0.0\nb'B\\n' 0.0\nb'C\\n' 0.0\n"
                              "timer at 3600.0\n")

    def test_socket_exchanges_between_sleeps_are_deterministic(self):
        # Several clients, each sleeping between lines, and a ticker: the
        # order of output is the loop's, the same on every run.
        prog = """
            import asyncio, time
            async def handle(reader, writer):
                while line := await reader.readline():
                    print("server got", line.decode().strip(), time.time())
                    writer.write(line)
                    await writer.drain()
                writer.close()
            async def client(i, port):
                reader, writer = await asyncio.open_connection("127.0.0.1",
                                                               port)
                for n in range(3):
                    await asyncio.sleep(0.5 * (i + 1))
                    writer.write(f"{i}.{n}\\n".encode())
                    await reader.readline()
                writer.close()
                await writer.wait_closed()
            async def ticker():
                for n in range(5):
                    print("tick", time.time())
                    await asyncio.sleep(1)
            async def main():
                server = await asyncio.start_server(handle, "127.0.0.1", 0)
                port = server.sockets[0].getsockname()[1]
                await asyncio.gather(ticker(),
                                     *(client(i, port) for i in range(3)))
                server.close()
                await server.wait_closed()
            asyncio.run(main())
        """
        first = run(prog, 1)
        self.assertEqual(first[2], 0, first[1])
        self.assertIn("server got 2.2 4.5\n", first[0])
        for seed in (2, 3):
            self.assertEqual(run(prog, seed), first)

    def test_connection_refused(self):
        out, err, rc = run("""
            import asyncio, socket
            async def main():
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
                s.close()
                try:
                    await asyncio.open_connection("127.0.0.1", port)
                except ConnectionRefusedError as e:
                    print(type(e).__name__, e.errno)
            asyncio.run(main())
        """)
        self.assertEqual((out, rc), ("ConnectionRefusedError 111\n", 0), err)


if __name__ == "__main__":
    unittest.main()
