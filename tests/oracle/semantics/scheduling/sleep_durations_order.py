"""sleeps wake in deadline order regardless of start order

Rule: timers fire in deadline order; a task started later with a shorter
sleep wakes first, and a negative or zero sleep is just a yield.
"""

import asyncio


async def s(name, d):
    print(f"{name} sleeps {d}")
    await asyncio.sleep(d)
    print(f"{name} woke at {asyncio.get_running_loop().time():.2f}")


async def main():
    await asyncio.gather(s("a", 0.3), s("b", 0.1), s("c", 0), s("d", 0.2), s("e", -5))


asyncio.run(main())
