"""shield of a coroutine keeps running after the awaiting task is cancelled

Rule: shield(coro()) wraps the coroutine in a new task; cancelling the task
that awaits the shield raises CancelledError there at once, and the new task
goes on to finish by itself.
"""

import asyncio
import time


async def write(n):
    print(f"write {n} started")
    await asyncio.sleep(2)
    print(f"write {n} committed at {time.time():.1f}")


async def handler():
    try:
        await asyncio.shield(write(1))
        print("not printed")
    except asyncio.CancelledError:
        print(f"handler cancelled at {time.time():.1f}")
        raise


async def main():
    h = asyncio.create_task(handler())
    await asyncio.sleep(1)
    h.cancel()
    r = await asyncio.gather(h, return_exceptions=True)
    print(f"handler result {r}")
    await asyncio.sleep(2)
    print(f"main done at {time.time():.1f}")


asyncio.run(main())
