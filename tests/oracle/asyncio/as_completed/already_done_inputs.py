"""as_completed with inputs already done

Rule: tasks that are already done when as_completed starts come out first,
without advancing the clock, before a task still running.
"""

import asyncio
import time


async def job(d):
    await asyncio.sleep(d)
    return d


async def main():
    a = asyncio.create_task(job(1))
    b = asyncio.create_task(job(5))
    await asyncio.sleep(2)
    for f in asyncio.as_completed([b, a]):
        r = await f
        print(f"got {r} at {time.time():.1f}")


asyncio.run(main())
