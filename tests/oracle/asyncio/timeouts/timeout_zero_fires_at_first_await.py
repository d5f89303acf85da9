"""asyncio.timeout(0) fires at the first await, even sleep(0)

Rule: a deadline that is already due schedules the cancellation with
call_soon; code before the first suspension runs, and the first await that
yields (here sleep(0)) is where CancelledError arrives.
"""

import asyncio
import time


async def main():
    try:
        async with asyncio.timeout(0):
            print("runs before any await")
            await asyncio.sleep(0)
            print("never printed")
    except TimeoutError:
        print(f"TimeoutError at {time.time():.1f}")


asyncio.run(main())
