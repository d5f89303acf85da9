"""gather of the same task twice reports its result twice

Rule: gather deduplicates identical awaitables into one future but fills
every argument position, so the same task appears twice in the results
and runs only once.
"""

import asyncio


async def once():
    print(f"running once")
    await asyncio.sleep(1)
    return 5


async def main():
    t = asyncio.create_task(once())
    r = await asyncio.gather(t, t)
    print(f"{r}")


asyncio.run(main())
