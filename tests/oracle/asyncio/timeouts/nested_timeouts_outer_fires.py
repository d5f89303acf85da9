"""nested timeouts, the outer one expiring first

Rule: when the outer deadline is earlier, the cancellation passes through
the inner block as CancelledError (the inner block did not expire, so it
does not convert it) and the outer block turns it into TimeoutError.
"""

import asyncio
import time


async def main():
    try:
        async with asyncio.timeout(1):
            try:
                async with asyncio.timeout(5):
                    try:
                        await asyncio.sleep(10)
                    except asyncio.CancelledError:
                        print(f"body sees CancelledError at {time.time():.1f}")
                        raise
            except TimeoutError:
                print("inner block raised TimeoutError (not printed)")
            except asyncio.CancelledError:
                print("inner block let CancelledError through")
                raise
    except TimeoutError:
        print(f"outer block raised TimeoutError at {time.time():.1f}")


asyncio.run(main())
