"""an exception in __aenter__ skips the body and __aexit__

Rule: if __aenter__ raises, the body does not run and __aexit__ is not
called; the exception propagates from the async with statement.
"""

import asyncio
import time


class Conn:
    async def __aenter__(self):
        print("connecting")
        await asyncio.sleep(1)
        raise ConnectionError("refused")

    async def __aexit__(self, exc_type, exc, tb):
        print("__aexit__ (not printed)")


async def main():
    try:
        async with Conn():
            print("body (not printed)")
    except ConnectionError as e:
        print(f"caught {e!r} at {time.time():.1f}")


asyncio.run(main())
