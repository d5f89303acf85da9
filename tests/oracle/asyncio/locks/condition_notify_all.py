"""Condition.notify_all wakes every waiter, one at a time through the lock

Rule: notify_all() wakes all waiters in waiting order; each must re-acquire
the lock, so they run one after another, each holding the lock for its turn.
"""

import asyncio
import time


async def waiter(name, cond):
    async with cond:
        await cond.wait()
        print(f"{name} runs with the lock at {time.time():.1f}")
        await asyncio.sleep(1)


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(waiter(n, cond)) for n in ('A', 'B', 'C')]
    await asyncio.sleep(1)
    async with cond:
        cond.notify_all()
    await asyncio.gather(*tasks)
    print(f"all done at {time.time():.1f}")


asyncio.run(main())
