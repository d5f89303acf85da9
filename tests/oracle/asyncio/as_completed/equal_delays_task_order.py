"""as_completed with equal delays follows the tasks' finishing order

Rule: tasks with the same deadline finish in the order they were started,
and as_completed hands their results out in that order. (Tasks are passed,
not coroutines: as_completed wraps coroutines in set order, which depends on
memory addresses.)
"""

import asyncio
import time


async def job(n):
    await asyncio.sleep(1)
    return n


async def main():
    tasks = [asyncio.create_task(job(n)) for n in range(4)]
    order = []
    for f in asyncio.as_completed(tasks):
        r = await f
        order.append(r)
    print(f"{order} at {time.time():.1f}")


asyncio.run(main())
