"""a Lock is granted to waiters in the order they asked

Rule: tasks blocked in lock.acquire() get the lock first-come, first-served;
each holds it for one second, so they run one after the other in request
order.
"""

import asyncio
import time


async def user(name, lock):
    print(f"{name} wants the lock")
    async with lock:
        print(f"{name} has the lock at {time.time():.1f}")
        await asyncio.sleep(1)
    print(f"{name} released it")


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(user("A", lock), user("B", lock), user("C", lock))
    print(f"locked at the end: {lock.locked()}")


asyncio.run(main())
