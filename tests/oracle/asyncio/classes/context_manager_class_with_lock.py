"""a resource pool class used as an async context manager by several tasks

Rule: __aenter__ can await (here a Semaphore) before the body runs, and
__aexit__ releases it; tasks enter in first-come order as slots free up.
"""

import asyncio
import time


class Pool:
    def __init__(self, size):
        self.sem = asyncio.Semaphore(size)
        self.active = 0

    async def __aenter__(self):
        await self.sem.acquire()
        self.active = self.active + 1
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.active = self.active - 1
        self.sem.release()


async def use(name, pool):
    async with pool:
        print(f"{name} in at {time.time():.1f}, active={pool.active}")
        await asyncio.sleep(1)


async def main():
    pool = Pool(2)
    await asyncio.gather(*list(use(n, pool) for n in "ABCD"))
    print(f"active at the end: {pool.active}")


asyncio.run(main())
