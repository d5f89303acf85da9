"""wait_for returns the value of an inner task that swallows its cancellation

Rule (CPython 3.11): when the timeout expires wait_for cancels the inner
task and waits for it; if the task catches the CancelledError and returns a
value, wait_for returns that value instead of raising TimeoutError.
"""

import asyncio
import time


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"stubborn: cancelled at {time.time():.1f}, returning anyway")
        return "partial"
    return "full"


async def main():
    try:
        r = await asyncio.wait_for(stubborn(), timeout=1)
        print(f"wait_for returned {r!r}")
    except TimeoutError:
        print("TimeoutError")


asyncio.run(main())
