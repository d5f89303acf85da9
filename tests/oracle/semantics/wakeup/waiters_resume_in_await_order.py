"""several tasks awaiting one task resume in the order they awaited

Rule: each awaiting task registers a done-callback on the awaited task;
when it finishes the callbacks are scheduled with call_soon in
registration order, so the waiters resume in the order they started
awaiting (here W3, W1, W2 because W3 awaited first).
"""

import asyncio


async def target():
    await asyncio.sleep(1)
    print(f"target finishing")
    return 7


async def waiter(name, t, yields):
    for _ in range(yields):
        await asyncio.sleep(0)
    print(f"{name} awaits")
    v = await t
    print(f"{name} got {v}")


async def main():
    t = asyncio.create_task(target())
    await asyncio.gather(waiter("W1", t, 1), waiter("W2", t, 2), waiter("W3", t, 0))
    print(f"all resumed")


asyncio.run(main())
