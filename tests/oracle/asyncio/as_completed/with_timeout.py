"""as_completed with a timeout raises TimeoutError at the first late result

Rule: as_completed(aws, timeout=T) yields the results that arrive before T;
awaiting the next one after T raises TimeoutError. The unfinished tasks are
not cancelled.
"""

import asyncio
import time


async def job(d):
    await asyncio.sleep(d)
    print(f"job {d} finished at {time.time():.1f}")
    return d


async def main():
    tasks = [asyncio.create_task(job(d)) for d in (1, 3, 2)]
    try:
        for f in asyncio.as_completed(tasks, timeout=2.5):
            r = await f
            print(f"got {r}")
    except TimeoutError:
        print(f"TimeoutError at {time.time():.1f}")
    print(f"job 3 cancelled: {tasks[1].cancelled()}")
    r = await tasks[1]
    print(f"awaited it anyway: {r}")


asyncio.run(main())
