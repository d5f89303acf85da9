"""async with lock releases the lock when the body raises

Rule: the lock's __aexit__ releases it on any exit, so an exception in the
body leaves the lock free for the next waiter.
"""

import asyncio
import time


async def faulty(lock):
    async with lock:
        await asyncio.sleep(1)
        raise ValueError("inside the lock")


async def main():
    lock = asyncio.Lock()
    t = asyncio.create_task(faulty(lock))
    await asyncio.sleep(0)
    print(f"locked while faulty sleeps: {lock.locked()}")
    async with lock:
        print(f"main got the lock at {time.time():.1f}")
    print(f"faulty raised {t.exception()!r}")


asyncio.run(main())
