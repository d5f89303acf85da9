"""cancelling twice counts twice but delivers one CancelledError

Rule: a second cancel() on a task that is already being cancelled
returns True again and increments cancelling(), but only one
CancelledError is thrown into the coroutine, carrying the first
message (the sleep it waits on was already cancelled with it).
"""

import asyncio


async def worker():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(f"worker got {e!r}, cancelling()={asyncio.current_task().cancelling()}")
        raise


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(0)
    a = t.cancel(f"first")
    b = t.cancel(f"second")
    print(f"cancel -> {a} {b}, cancelling()={t.cancelling()}")
    try:
        await t
    except asyncio.CancelledError:
        print(f"cancelled={t.cancelled()}")


asyncio.run(main())
