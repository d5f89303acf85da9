"""running the event loop

Seed 002 (Module 01), 3.2 Running the Event Loop, Method 1: asyncio.run(),
recommended since Python 3.7. (Method 2, the legacy manual loop, is
commented out in the seed; it would print the same.)
"""

import asyncio


async def main():
    print("Hello")
    await asyncio.sleep(1)
    print("World")


asyncio.run(main())
