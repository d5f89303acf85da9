"""a cancelled lock waiter is skipped, the next one gets the lock

Rule: cancelling a task blocked in acquire() removes it from the queue; when
the lock is released the next waiter in line acquires it.
"""

import asyncio
import time


async def user(name, lock):
    try:
        async with lock:
            print(f"{name} has the lock at {time.time():.1f}")
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        print(f"{name} cancelled while waiting")
        raise


async def main():
    lock = asyncio.Lock()
    a = asyncio.create_task(user("A", lock))
    b = asyncio.create_task(user("B", lock))
    c = asyncio.create_task(user("C", lock))
    await asyncio.sleep(0.5)
    b.cancel()
    r = await asyncio.gather(a, b, c, return_exceptions=True)
    print(f"{[type(x).__name__ for x in r]}")


asyncio.run(main())
