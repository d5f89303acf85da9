"""as_completed yields results in completion order

Rule: iterating asyncio.as_completed gives awaitables that resolve in
the order the inputs finish, not argument order.
"""

import asyncio
import time


async def job(name, d):
    await asyncio.sleep(d)
    return name


async def main():
    for f in asyncio.as_completed(list(job(n, d) for n, d in (("a", 3), ("b", 1), ("c", 2)))):
        r = await f
        print(f"{r} at {time.time():.0f}")


asyncio.run(main())
