"""asyncio.wait_for in an await expression

Rule: `await: asyncio.wait_for(coro(), 1)` is the same as the wait_for step;
positional timeout, the result is bound by `as`.
"""

import asyncio
import time


async def quick(x):
    await asyncio.sleep(0.5)
    return x + 1


async def main():
    r = await asyncio.wait_for(quick(41), 1)
    print(f"r = {r} at {time.time():.1f}")
    try:
        await asyncio.wait_for(asyncio.sleep(2, "late"), timeout=1)
    except TimeoutError:
        print(f"sleep(2) timed out at {time.time():.1f}")


asyncio.run(main())
