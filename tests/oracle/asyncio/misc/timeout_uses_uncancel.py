"""an expired timeout leaves cancelling() at 0, an outside cancel does not

Rule: asyncio.timeout cancels the task and, on expiry, calls uncancel(), so
after the TimeoutError cancelling() is 0 again; a cancel from another task
inside a timeout block is not converted and stays counted.
"""

import asyncio


async def guarded():
    try:
        async with asyncio.timeout(5):
            await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"guarded: CancelledError, cancelling()={asyncio.current_task().cancelling()}")
        raise


async def main():
    try:
        async with asyncio.timeout(1):
            await asyncio.sleep(2)
    except TimeoutError:
        print(f"main: TimeoutError, cancelling()={asyncio.current_task().cancelling()}")
    g = asyncio.create_task(guarded())
    await asyncio.sleep(1)
    g.cancel()
    r = await asyncio.gather(g, return_exceptions=True)
    print(f"guarded ended with {type(r[0]).__name__}")


asyncio.run(main())
