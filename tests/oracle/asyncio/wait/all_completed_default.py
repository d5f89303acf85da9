"""wait returns when all tasks are done by default

Rule: without return_when, asyncio.wait uses ALL_COMPLETED: it returns after
the slowest task, with an empty pending set; a failing task is in done with
its exception stored, not raised.
"""

import asyncio
import time


async def job(d):
    await asyncio.sleep(d)
    if d == 2:
        raise ValueError(f"job {d} failed")
    return d * 100


async def main():
    tasks = [asyncio.create_task(job(d), name=f'job{d}') for d in (3, 1, 2)]
    done, pending = await asyncio.wait(tasks)
    print(f"at {time.time():.1f}: {len(done)} done, {len(pending)} pending")
    for t in tasks:
        if t.exception() is None:
            print(f"{t.get_name()} -> {t.result()}")
        else:
            print(f"{t.get_name()} raised {t.exception()!r}")


asyncio.run(main())
