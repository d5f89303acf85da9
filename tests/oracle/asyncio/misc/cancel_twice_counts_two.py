"""two cancel requests need two uncancels

Rule: cancel() called twice before the task runs counts 2 in cancelling();
only one CancelledError is delivered; after one uncancel() the count is 1.
"""

import asyncio


async def worker():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        me = asyncio.current_task()
        print(f"caught once, cancelling()={me.cancelling()}")
        me.uncancel()
        print(f"after uncancel: {me.cancelling()}")


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(0)
    a = t.cancel()
    b = t.cancel()
    print(f"cancel() returned {a} and {b}, cancelling()={t.cancelling()}")
    await t
    print(f"done={t.done()} cancelled={t.cancelled()}")


asyncio.run(main())
