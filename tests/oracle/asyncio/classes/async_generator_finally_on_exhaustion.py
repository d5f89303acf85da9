"""an async generator's finally runs when it is exhausted

Rule: when the generator body ends, its finally block (which may await) runs
before the async for loop ends.
"""

import asyncio
import time


async def rows():
    try:
        for i in range(2):
            yield f"row{i}"
    finally:
        print("generator closing")
        await asyncio.sleep(1)
        print(f"generator closed at {time.time():.1f}")


async def main():
    async for r in rows():
        print(f"{r}")
    print("after the loop")


asyncio.run(main())
