"""shield lets the outer await be cancelled while the inner task continues

Rule: cancelling a task awaiting shield(inner) raises CancelledError in
that task, but the inner task is not cancelled and finishes on its own.
"""

import asyncio


async def inner():
    await asyncio.sleep(2)
    print(f"inner finished")
    return 5


async def outer(t):
    try:
        await asyncio.shield(t)
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
        print(f"outer.cancelled={o.cancelled()} inner.done={i.done()}")
    v = await i
    print(f"inner gave {v} cancelled={i.cancelled()}")


asyncio.run(main())
