"""wait with a timeout before any task finishes returns an empty done set

Rule: FIRST_COMPLETED with a timeout shorter than every task returns at the
timeout with done empty and all tasks pending.
"""

import asyncio
import time


async def job(d):
    await asyncio.sleep(d)
    return d


async def main():
    tasks = [asyncio.create_task(job(d)) for d in (2, 3)]
    done, pending = await asyncio.wait(tasks, timeout=1, return_when=asyncio.FIRST_COMPLETED)
    print(f"at {time.time():.1f}: done={len(done)} pending={len(pending)}")
    for t in tasks:
        t.cancel()


asyncio.run(main())
