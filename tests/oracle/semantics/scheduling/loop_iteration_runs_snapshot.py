"""a loop iteration runs only the callbacks ready when it began

Rule: a task that creates another task during an iteration does not see
it run in the same iteration; callbacks scheduled during an iteration run
in the next one, behind those already queued. A creates X, then yields;
B was already queued, so B runs before X.
"""

import asyncio


async def x():
    print(f"X runs")


async def a():
    print(f"A step 1")
    asyncio.create_task(x())
    await asyncio.sleep(0)
    print(f"A step 2")


async def b():
    print(f"B step 1")
    await asyncio.sleep(0)
    print(f"B step 2")


async def main():
    ta = asyncio.create_task(a())
    tb = asyncio.create_task(b())
    await ta
    await tb


asyncio.run(main())
