"""wait_for with timeout 0 cancels a coroutine before it starts

Rule: with timeout <= 0, wait_for wraps the coroutine in a task, sees it is
not done, cancels it and raises TimeoutError; the coroutine never runs a
single step, so nothing it prints appears.
"""

import asyncio
import time


async def work():
    print("work started (never printed)")
    return 1


async def main():
    try:
        await asyncio.wait_for(work(), timeout=0)
    except TimeoutError:
        print(f"TimeoutError at {time.time():.1f}")
    print(f"tasks left: {len(asyncio.all_tasks())}")


asyncio.run(main())
