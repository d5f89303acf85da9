"""Condition.wait_for re-checks its predicate on every notification

Rule: wait_for(pred) calls pred() first without waiting, then again after
each wake-up (holding the lock); notifications while it is false put the
task back to wait, and wait_for returns pred's true value.
"""

import asyncio
import time


def late_enough():
    now = asyncio.get_running_loop().time()
    print(f"  predicate checked at {now:.1f}")
    return now >= 2.5


async def consumer(cond):
    async with cond:
        r = await cond.wait_for(late_enough)
        print(f"consumer proceeds ({r}) at {time.time():.1f}")


async def main():
    cond = asyncio.Condition()
    c = asyncio.create_task(consumer(cond))
    for i in range(3):
        await asyncio.sleep(1)
        async with cond:
            print(f"notify at {time.time():.1f}")
            cond.notify()
    await c


asyncio.run(main())
