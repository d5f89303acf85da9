"""gather runs tasks concurrently

Seed 002 (Module 01), 3.3 Running Multiple Coroutines Concurrently (the
spec's first example). Total time is the longest task, not the sum. Output
matches the seed.
"""

import asyncio
import time


async def task(name, delay):
    print(f"{name} started")
    await asyncio.sleep(delay)
    print(f"{name} finished")
    return f"{name} result"


async def main():
    start = time.time()
    results = await asyncio.gather(task("A", 2), task("B", 1), task("C", 3))
    print(f"Results: {results}")
    print(f"Total time: {time.time() - start:.1f}s")


asyncio.run(main())
