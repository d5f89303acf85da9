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


if __name__ == "__main__":
    unittest.main()
