"""async for over a class with __aiter__ and __anext__

Rule: async for calls __aiter__ once (a plain method returning self), then
awaits __anext__ for each item until it raises StopAsyncIteration.
"""

import asyncio
import time


class Ticker:
    n = 0
    limit = 0

    def __init__(self, limit):
        self.limit = limit

    def __aiter__(self):
        print("__aiter__ called")
        return self

    async def __anext__(self):
        if self.n >= self.limit:
            raise StopAsyncIteration
        await asyncio.sleep(1)
        self.n = self.n + 1
        return self.n * 10


async def main():
    async for x in Ticker(3):
        print(f"tick {x} at {time.time():.1f}")
    print("loop over")


asyncio.run(main())
