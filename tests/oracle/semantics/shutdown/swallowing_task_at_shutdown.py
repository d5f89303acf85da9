"""a task that swallows cancellation at shutdown still runs to its end

Rule: asyncio.run waits for the cancelled tasks to finish; a task that
catches CancelledError keeps running (it may even sleep) until it
returns, and the run ends only then.
"""

import asyncio
import time


async def stubborn():
    try:
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        print(f"stubborn caught cancel at {time.time():.0f}")
    await asyncio.sleep(2)
    print(f"stubborn exits at {time.time():.0f}")


async def main():
    asyncio.create_task(stubborn())
    await asyncio.sleep(1)
    print(f"main returns at {time.time():.0f}")


asyncio.run(main())
