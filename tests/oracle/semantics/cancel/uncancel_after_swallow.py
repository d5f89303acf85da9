"""cancelling() counts pending cancel requests, uncancel() decrements

Rule: cancel() increments the task's cancelling() count; swallowing the
CancelledError does not reset it, uncancel() does (and returns the new
count); the task then finishes normally.
"""

import asyncio
import time


async def worker():
    me = asyncio.current_task()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"caught, cancelling()={me.cancelling()}")
        left = me.uncancel()
        print(f"uncancel() -> {left}, cancelling()={me.cancelling()}")
    await asyncio.sleep(1)
    return f"normal end at {time.time():.0f}"


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(1)
    t.cancel()
    r = await t
    print(f"{r} cancelled={t.cancelled()}")


asyncio.run(main())
