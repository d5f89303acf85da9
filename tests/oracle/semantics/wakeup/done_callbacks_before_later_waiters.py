"""done callbacks and waiters run in registration order

Rule: add_done_callback and an awaiting task's wake-up share one
callback list on the future, called in registration order via
call_soon. A callback added before a waiter runs before it; one added
after runs after.
"""

import asyncio


def cb_first(fut):
    print(f"callback first sees result {fut.result()}")


def cb_last(fut):
    print(f"callback last sees result {fut.result()}")


async def target():
    await asyncio.sleep(1)
    return "done"


async def waiter(t):
    v = await t
    print(f"waiter got {v}")


async def main():
    t = asyncio.create_task(target())
    t.add_done_callback(cb_first)
    w = asyncio.create_task(waiter(t))
    await asyncio.sleep(0)
    t.add_done_callback(cb_last)
    await w
    print(f"main done")


asyncio.run(main())
