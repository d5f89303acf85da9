"""wait_for raises TimeoutError when the timeout expires first

Rule: when the awaitable is not done after `timeout` seconds, wait_for
cancels it and raises TimeoutError in the waiter at that moment; the
awaitable's remaining steps never run.
"""

import asyncio
import time


async def work():
    print("work started")
    await asyncio.sleep(5)
    print("work done (never printed)")


async def main():
    try:
        await asyncio.wait_for(work(), timeout=1)
    except TimeoutError as e:
        print(f"TimeoutError {e!r} at {time.time():.1f}")
    await asyncio.sleep(10)
    print(f"main done at {time.time():.1f}")


asyncio.run(main())
