"""a task cancelling itself is interrupted at its next await

Rule: current_task().cancel() does not stop the running code; the
CancelledError is thrown in at the next suspension point, even sleep(0).
"""

import asyncio


async def selfish():
    asyncio.current_task().cancel()
    print(f"still running after self-cancel")
    try:
        await asyncio.sleep(0)
        print(f"never")
    except asyncio.CancelledError:
        print(f"interrupted at sleep(0)")
        raise


async def main():
    t = asyncio.create_task(selfish())
    try:
        await t
    except asyncio.CancelledError:
        print(f"main: cancelled={t.cancelled()}")


asyncio.run(main())
