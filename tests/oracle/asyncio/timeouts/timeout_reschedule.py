"""a timeout can be moved with reschedule

Rule: Timeout.reschedule(when) replaces the deadline (an absolute loop
time); moving it later lets a body finish that would have timed out, and
reschedule(None) removes the deadline.
"""

import asyncio
import time


async def main():
    async with asyncio.timeout(1) as cm:
        cm.reschedule(asyncio.get_running_loop().time() + 3)
        print(f"new deadline {cm.when():.1f}")
        await asyncio.sleep(2)
        print(f"slept 2 without timing out, at {time.time():.1f}")
    async with asyncio.timeout(1) as cm2:
        cm2.reschedule(None)
        print(f"deadline now {cm2.when()}")
        await asyncio.sleep(4)
    print(f"done at {time.time():.1f}, expired={cm2.expired()}")


asyncio.run(main())
