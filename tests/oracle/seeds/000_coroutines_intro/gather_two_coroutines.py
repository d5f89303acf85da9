"""two coroutines at the same time

Seed 000 ("What Are Coroutines in Python?"), Part 3 - Running Multiple
Coroutines Concurrently. gather starts A and B together; B waits less, so it
finishes first even though A started first. Output matches the seed.
"""

import asyncio


async def task(name, delay):
    print(f"{name} started")
    await asyncio.sleep(delay)
    print(f"{name} finished after {delay} sec")


async def main():
    await asyncio.gather(task("A", 2), task("B", 1))


asyncio.run(main())
