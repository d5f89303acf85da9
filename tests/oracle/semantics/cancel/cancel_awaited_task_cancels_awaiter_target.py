"""cancelling a task that awaits another task cancels the awaited task too

Rule: a task blocked on `await other_task` forwards cancel() to the task
it waits on; the inner task is cancelled first and the outer task then
ends cancelled.
"""

import asyncio


async def inner():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"inner cancelled")
        raise


async def outer(t):
    try:
        await t
    except asyncio.CancelledError:
        print(f"outer cancelled")
        raise


async def main():
    i = asyncio.create_task(inner())
    o = asyncio.create_task(outer(i))
    await asyncio.sleep(1)
    o.cancel()
    try:
        await o
    except asyncio.CancelledError:
        print(f"inner.cancelled={i.cancelled()} outer.cancelled={o.cancelled()}")


asyncio.run(main())
