"""async_with asyncio.timeout(...) is the timeout step written out

Rule: `async_with: asyncio.timeout(2)` with `as` binds the Timeout object;
when() gives the deadline on the loop clock, expired() says whether it
fired.
"""

import asyncio
import time


async def main():
    async with asyncio.timeout(2) as cm:
        print(f"deadline {cm.when():.1f}")
        await asyncio.sleep(1)
    print(f"expired after a short body: {cm.expired()}")
    try:
        async with asyncio.timeout(2) as cm2:
            await asyncio.sleep(3)
    except TimeoutError:
        print(f"expired after a long body: {cm2.expired()} at {time.time():.1f}")


asyncio.run(main())
