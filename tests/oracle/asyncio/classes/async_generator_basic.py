"""a coroutine with yield is an async generator

Rule: a coroutine containing a yield step is an async generator; async for
resumes it for each value, and its awaits run between the values.
"""

import asyncio
import time


async def countdown(n):
    while n > 0:
        await asyncio.sleep(0.5)
        yield n
        n = n - 1
    print("generator exhausted")


async def main():
    async for v in countdown(3):
        print(f"got {v} at {time.time():.1f}")
    print("done")


asyncio.run(main())
