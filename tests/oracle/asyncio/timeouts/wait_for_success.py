"""wait_for returns the result when the awaitable finishes in time

Rule: asyncio.wait_for(coro, timeout) runs the coroutine and returns its
result as soon as it finishes, without waiting for the timeout.
"""

import asyncio
import time


async def work(d):
    print(f"work started, sleeping {d}")
    await asyncio.sleep(d)
    print("work done")
    return d * 10


async def main():
    r = await asyncio.wait_for(work(1), timeout=5)
    print(f"got {r} at {time.time():.1f}")


asyncio.run(main())
