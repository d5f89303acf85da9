"""as_completed over tasks yields in completion order

Rule: each awaitable from as_completed resolves to the next result in the
order the tasks finish; the loop body runs right after each finish.
"""

import asyncio
import time


async def job(name, d):
    await asyncio.sleep(d)
    print(f"{name} finishes")
    return name


async def main():
    tasks = [asyncio.create_task(job(n, d)) for n, d in (('a', 3), ('b', 1), ('c', 2))]
    for f in asyncio.as_completed(tasks):
        r = await f
        print(f"got {r} at {time.time():.1f}")


asyncio.run(main())
