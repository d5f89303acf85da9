"""cancelling a task cancels the innermost await of its await chain

Rule: a task awaiting a coroutine that awaits a coroutine is suspended
in the innermost sleep; cancel() throws CancelledError there and it
unwinds outward through every frame's handler.
"""

import asyncio


async def inner():
    try:
        await asyncio.sleep(10)
    finally:
        print(f"inner finally")


async def middle():
    try:
        await inner()
    except asyncio.CancelledError:
        print(f"middle saw CancelledError")
        raise


async def outer():
    try:
        await middle()
    finally:
        print(f"outer finally")


async def main():
    t = asyncio.create_task(outer())
    await asyncio.sleep(1)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print(f"main done")


asyncio.run(main())
