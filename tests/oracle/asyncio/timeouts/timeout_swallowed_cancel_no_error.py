"""a timeout block whose body swallows the cancellation raises nothing

Rule: the timeout only turns a CancelledError leaving the block into
TimeoutError; if the body catches it and carries on, the block exits
normally, but expired() is still True.
"""

import asyncio
import time


async def main():
    async with asyncio.timeout(1) as cm:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            print(f"body swallowed the cancellation at {time.time():.1f}")
        print("body continues")
    print(f"block exited normally, expired={cm.expired()}")
    await asyncio.sleep(1)
    print(f"the task is usable: {time.time():.1f}")


asyncio.run(main())
