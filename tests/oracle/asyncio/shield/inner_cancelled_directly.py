"""cancelling the shielded task itself cancels the awaiter too

Rule: shield protects the inner task from cancellation of the outer await,
not the other way round: if the inner task is cancelled, awaiting the shield
raises CancelledError.
"""

import asyncio
import time


async def inner():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print("inner cancelled")
        raise


async def waiter(t):
    try:
        await asyncio.shield(t)
    except asyncio.CancelledError:
        print(f"waiter got CancelledError at {time.time():.1f}")
        return "waiter handled it"


async def main():
    t = asyncio.create_task(inner())
    w = asyncio.create_task(waiter(t))
    await asyncio.sleep(1)
    t.cancel()
    r = await w
    print(f"{r}; w.cancelled()={w.cancelled()} t.cancelled()={t.cancelled()}")


asyncio.run(main())
