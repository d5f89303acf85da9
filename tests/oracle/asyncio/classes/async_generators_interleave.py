"""two async generators consumed by concurrent tasks interleave

Rule: each async for suspends at the generator's awaits, letting the other
task run; items come out in time order across both.
"""

import asyncio
import time


async def numbers(step, count):
    for i in range(count):
        await asyncio.sleep(step)
        yield i


async def consume(name, step):
    total = 0
    async for x in numbers(step, 3):
        print(f"{name} got {x} at {time.time():.1f}")
        total = total + x
    return total


async def main():
    totals = await asyncio.gather(consume("fast", 1), consume("slow", 1.5))
    print(f"totals {totals}")


asyncio.run(main())
