"""equal deadlines fire in scheduling order

Rule: timers with the same deadline fire in the order they were
scheduled. A and B yield once before sleeping 2 while C sleeps 2 at once,
so C's timer is scheduled first and all three deadlines are t=2: they
wake C, A, B — not in task creation order.
"""

import asyncio


async def sleeper(name, yields):
    for _ in range(yields):
        await asyncio.sleep(0)
    await asyncio.sleep(2)
    print(f"{name} woke")


async def main():
    await asyncio.gather(sleeper("A", 1), sleeper("B", 1), sleeper("C", 0))


asyncio.run(main())
