"""an exception in the TaskGroup body cancels the children

Rule: if the body of the `async with` raises, the group cancels its tasks,
waits for them, and raises an ExceptionGroup containing the body's
exception.
"""

import asyncio
import time


async def child():
    try:
        await asyncio.sleep(5)
    finally:
        print(f"child finally at {time.time():.1f}")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child())
            await asyncio.sleep(1)
            raise ZeroDivisionError("in body")
    except* ZeroDivisionError as eg:
        print(f"caught {eg!r}")


asyncio.run(main())
