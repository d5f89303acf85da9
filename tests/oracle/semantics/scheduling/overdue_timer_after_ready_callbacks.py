"""an overdue timer joins the ready queue behind callbacks already ready

Rule: each loop iteration first takes the callbacks already in the ready
queue, then appends the timers that fell due; a timer's callback only
completes the sleep's future, and the sleeper wakes one iteration later.
B blocks past A's deadline and prints B 0 in the same step; the
timer fires in the next iteration behind B's step (B 1), and A wakes
in the iteration after that, behind B's step (B 2).
"""

import asyncio
import time


async def a():
    await asyncio.sleep(1)
    print(f"A woke at {time.time():.0f}")


async def b():
    await asyncio.sleep(0)
    time.sleep(2)
    for i in range(4):
        print(f"B {i}")
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(a(), b())


asyncio.run(main())
