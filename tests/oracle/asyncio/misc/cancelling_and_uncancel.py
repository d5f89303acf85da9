"""Task.cancelling counts pending cancel requests; uncancel decrements it

Rule: each cancel() on a task not yet done increments cancelling(); a task
that catches CancelledError can call uncancel() to decrement it, back to 0,
after which it behaves as never cancelled.
"""

import asyncio
import time


async def worker():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        me = asyncio.current_task()
        print(f"caught: cancelling()={me.cancelling()}")
        left = me.uncancel()
        print(f"uncancel() returned {left}")
    await asyncio.sleep(1)
    print(f"worker finished normally at {time.time():.1f}")
    return "ok"


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(1)
    print(f"before: cancelling()={t.cancelling()}")
    t.cancel()
    print(f"after one cancel: {t.cancelling()}")
    r = await t
    print(f"result {r!r} cancelled={t.cancelled()} cancelling={t.cancelling()}")


asyncio.run(main())
