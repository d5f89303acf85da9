"""a sibling that swallows its cancellation still finishes the group

Rule: after a failure the group cancels the siblings; one that catches
CancelledError and returns normally does not change the outcome: the group
raises the ExceptionGroup of the failure once all tasks are done.
"""

import asyncio
import time


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("stubborn caught the cancellation, cleaning up")
        await asyncio.sleep(1)
        print(f"stubborn returns at {time.time():.1f}")
        return 1


async def failer():
    await asyncio.sleep(1)
    raise OSError("disk")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            s = tg.create_task(stubborn())
            tg.create_task(failer())
    except* OSError as eg:
        print(f"OSError group at {time.time():.1f}: {eg.exceptions}")
    print(f"stubborn result {s.result()}")


asyncio.run(main())
