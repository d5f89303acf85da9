"""concurrent sleeps take the longest, sequential ones the sum

Rule: awaiting sleeps one after another adds their durations; gathering
them takes the longest; the clock reads exactly that.
"""

import asyncio
import time


async def nap(d):
    await asyncio.sleep(d)


async def main():
    t0 = time.time()
    await nap(1)
    await nap(2)
    print(f"sequential {time.time() - t0:.1f}")
    t1 = time.time()
    await asyncio.gather(nap(1), nap(2), nap(0.5))
    print(f"concurrent {time.time() - t1:.1f}")


asyncio.run(main())
