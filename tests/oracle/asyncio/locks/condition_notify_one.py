"""Condition.notify wakes one waiter at a time, oldest first

Rule: notify() (n=1) wakes the longest-waiting task; the woken task re-
acquires the lock before wait() returns, so it runs only after the notifier
releases the lock.
"""

import asyncio
import time


async def waiter(name, cond):
    async with cond:
        print(f"{name} waits")
        await cond.wait()
        print(f"{name} woke at {time.time():.1f}")


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(waiter(n, cond)) for n in ('A', 'B', 'C')]
    for i in range(3):
        await asyncio.sleep(1)
        async with cond:
            print(f"notify one at {time.time():.1f}")
            cond.notify()
            print("still holding the lock")
    await asyncio.gather(*tasks)


asyncio.run(main())
