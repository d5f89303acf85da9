"""wait_for with timeout None waits as long as it takes

Rule: timeout=None means no limit: wait_for simply awaits the awaitable.
"""

import asyncio
import time


async def slow():
    await asyncio.sleep(100)
    return "finished"


async def main():
    r = await asyncio.wait_for(slow(), timeout=None)
    print(f"{r} at {time.time():.0f}")


asyncio.run(main())
