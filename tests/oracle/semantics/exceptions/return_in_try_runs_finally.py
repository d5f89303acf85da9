"""return inside try runs finally before the caller resumes

Rule: a return in a try body evaluates the value, then runs finally
(which may await), then the caller receives the value.
"""

import asyncio
import time


async def f():
    try:
        print(f"returning")
        return f"from try"
    finally:
        print(f"finally starts")
        await asyncio.sleep(1)
        print(f"finally ends at {time.time():.0f}")


async def main():
    r = await f()
    print(f"caller got {r!r}")


asyncio.run(main())
