"""nested timeouts, the inner one expiring first

Rule: the inner block raises TimeoutError at its own deadline; the outer
block is unaffected and the code after the inner block keeps running inside
the outer one.
"""

import asyncio
import time


async def main():
    async with asyncio.timeout(5):
        try:
            async with asyncio.timeout(1):
                await asyncio.sleep(3)
        except TimeoutError:
            print(f"inner timed out at {time.time():.1f}")
        await asyncio.sleep(2)
        print(f"still inside outer at {time.time():.1f}")
    print("outer block done")


asyncio.run(main())
