"""a task that swallows CancelledError and returns completes normally

Rule: if the coroutine catches CancelledError and returns, the task is
not cancelled: it finishes with the returned value, cancelled() is
False, and the awaiter gets the value.
"""

import asyncio


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"ignoring cancellation")
    return f"finished anyway"


async def main():
    t = asyncio.create_task(stubborn())
    await asyncio.sleep(1)
    r = t.cancel()
    print(f"cancel() -> {r}")
    v = await t
    print(f"got {v!r} cancelled={t.cancelled()} done={t.done()}")


asyncio.run(main())
