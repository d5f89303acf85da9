"""wait_for waits for the cancelled inner task's cleanup before raising

Rule: on timeout, wait_for cancels the inner task and waits until that task
has really finished; the inner CancelledError handler and finally (including
an await in it) run and print before TimeoutError reaches the waiter, so the
waiter sees the time after the cleanup.
"""

import asyncio
import time


async def work():
    try:
        print("work started")
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"work cancelled at {time.time():.1f}")
        raise
    finally:
        print("work cleanup begins")
        await asyncio.sleep(0.5)
        print(f"work cleanup ends at {time.time():.1f}")


async def main():
    try:
        await asyncio.wait_for(work(), timeout=1)
    except TimeoutError:
        print(f"waiter got TimeoutError at {time.time():.1f}")


asyncio.run(main())
