"""an exception from as_completed is raised where that result is awaited

Rule: a failing awaitable raises its exception at the `await f` of its turn
in completion order; catching it lets the loop continue with the others.
"""

import asyncio
import time


async def job(d):
    await asyncio.sleep(d)
    if d == 2:
        raise KeyError(d)
    return d


async def main():
    tasks = [asyncio.create_task(job(d)) for d in (3, 2, 1)]
    for f in asyncio.as_completed(tasks):
        try:
            r = await f
            print(f"result {r}")
        except KeyError as e:
            print(f"KeyError {e} at {time.time():.1f}")


asyncio.run(main())
