"""sleep returns its result argument

Rule: asyncio.sleep(delay, result) returns result after the delay (None
by default), for zero and positive delays.
"""

import asyncio
import time


async def main():
    a = await asyncio.sleep(0, "zero")
    b = await asyncio.sleep(1, result=[1, 2])
    c = await asyncio.sleep(0.5)
    print(f"{a!r} {b!r} {c!r} at {time.time():.1f}")


asyncio.run(main())
