"""wait with a timeout returns the unfinished tasks as pending

Rule: when the timeout expires, asyncio.wait raises nothing; it returns what
is done and what is pending, and the pending tasks are not cancelled: they
keep running and finish later.
"""

import asyncio
import time


async def job(d):
    await asyncio.sleep(d)
    print(f"job {d} finished at {time.time():.1f}")
    return d


async def main():
    tasks = [asyncio.create_task(job(d), name=f'job{d}') for d in (1, 2, 3)]
    done, pending = await asyncio.wait(tasks, timeout=1.5)
    print(f"wait returned at {time.time():.1f}")
    print(f"done: {sorted(t.get_name() for t in done)}")
    print(f"pending: {sorted(t.get_name() for t in pending)}")
    print(f"any cancelled: {any(t.cancelled() for t in pending)}")
    await asyncio.gather(*pending)
    print(f"all finished at {time.time():.1f}")


asyncio.run(main())
