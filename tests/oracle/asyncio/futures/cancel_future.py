"""cancelling a future cancels its awaiters and runs its callbacks

Rule: fut.cancel() marks the future cancelled (returns True once, False when
already done); awaiting tasks get CancelledError; done callbacks run with
the cancelled future.
"""

import asyncio


def cb(f):
    print(f"callback: cancelled={f.cancelled()}")


async def waiter(fut):
    try:
        await fut
    except asyncio.CancelledError:
        print("waiter got CancelledError")
        return "handled"


async def main():
    fut = asyncio.get_running_loop().create_future()
    fut.add_done_callback(cb)
    w = asyncio.create_task(waiter(fut))
    await asyncio.sleep(0)
    first = fut.cancel()
    second = fut.cancel()
    print(f"cancel() gave {first} then {second}")
    r = await w
    print(f"waiter returned {r}")


asyncio.run(main())
