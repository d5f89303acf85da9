"""cancelling the task that runs a TaskGroup cancels the group's tasks

Rule: a cancellation of the enclosing task reaches the `async with` body;
the group cancels all its children, waits for them (their handlers sleep
different times, as the cancellation order is a set's order in CPython), and
the task ends cancelled (CancelledError, not an ExceptionGroup).
"""

import asyncio
import time


async def child(n):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        await asyncio.sleep(n / 10)
        print(f"child {n} cleaned up at {time.time():.1f}")
        raise


async def runner():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(1))
            tg.create_task(child(2))
            print("runner waiting in the group")
    except asyncio.CancelledError:
        print("runner sees CancelledError")
        raise


async def main():
    r = asyncio.create_task(runner())
    await asyncio.sleep(1)
    r.cancel()
    try:
        await r
    except asyncio.CancelledError:
        print(f"runner cancelled: {r.cancelled()}")


asyncio.run(main())
