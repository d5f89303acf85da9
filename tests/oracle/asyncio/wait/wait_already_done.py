"""wait on tasks that are already done returns without waiting

Rule: when every task is already done, asyncio.wait returns at once (same
loop time); FIRST_COMPLETED with one task already done returns at once too.
"""

import asyncio
import time


async def job(d):
    await asyncio.sleep(d)
    return d


async def main():
    a = asyncio.create_task(job(1))
    await asyncio.sleep(2)
    done, pending = await asyncio.wait([a])
    print(f"all done: {len(done)} {len(pending)} at {time.time():.1f}")
    b = asyncio.create_task(job(5))
    done, pending = await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
    print(f"first completed: {len(done)} {len(pending)} at {time.time():.1f}")
    b.cancel()


asyncio.run(main())
