"""cancel during a sleep runs the task's finally, which may await

Rule: cancel() makes the pending sleep raise CancelledError at the
await; finally blocks run (and may await themselves) before the task
ends cancelled; the canceller keeps running until it awaits.
"""

import asyncio
import time


async def worker():
    try:
        print(f"worker sleeping at {time.time():.0f}")
        await asyncio.sleep(10)
        print(f"never printed")
    finally:
        print(f"worker cleanup at {time.time():.0f}")
        await asyncio.sleep(2)
        print(f"worker cleanup done at {time.time():.0f}")


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(3)
    t.cancel()
    print(f"main after cancel, done={t.done()}")
    try:
        await t
    except asyncio.CancelledError:
        print(f"main saw cancellation at {time.time():.0f}")


asyncio.run(main())
