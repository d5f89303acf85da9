"""a Semaphore lets at most N tasks in at once

Rule: Semaphore(2) admits two holders; the others wait and are admitted
first-come, first-served as holders leave.
"""

import asyncio
import time


async def job(n, sem):
    async with sem:
        print(f"job {n} starts at {time.time():.1f}")
        await asyncio.sleep(1)
        print(f"job {n} ends at {time.time():.1f}")


async def main():
    sem = asyncio.Semaphore(2)
    await asyncio.gather(*list(job(n, sem) for n in range(5)))
    print(f"locked={sem.locked()}")


asyncio.run(main())
