"""when one task fails the TaskGroup cancels its siblings

Rule: the first failure cancels every other task of the group (their
CancelledError handlers run; each sleeps a different time before printing,
because CPython cancels the siblings in the iteration order of a set of
tasks), the block waits for them, then raises an ExceptionGroup holding the
failure; str() gives the message and count, .exceptions the exceptions.
"""

import asyncio
import time


async def worker(name, d):
    try:
        await asyncio.sleep(d)
        print(f"{name} finished")
    except asyncio.CancelledError:
        await asyncio.sleep(d / 10)
        print(f"{name} cleaned up after its cancellation at {time.time():.1f}")
        raise


async def failer():
    await asyncio.sleep(1)
    raise ValueError("boom")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("w1", 5))
            tg.create_task(failer())
            tg.create_task(worker("w2", 3))
    except ExceptionGroup as eg:
        print(f"str: {eg}")
        print(f"repr: {eg!r}")
        print(f"exceptions: {eg.exceptions}")
        print(f"at {time.time():.1f}")


asyncio.run(main())
