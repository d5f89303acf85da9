"""await chain

Seed 002 (Module 01), 4.2 Await Chain: when awaiting, control flows to the
deepest level, then the results "bubble up". The seed only defines
inner/middle/outer; main is added to await outer() and print its result.
"""

import asyncio


async def inner():
    await asyncio.sleep(1)
    return "inner result"


async def middle():
    result = await inner()
    return f"middle got: {result}"


async def outer():
    result = await middle()
    return f"outer got: {result}"


async def main():
    result = await outer()
    print(f"{result}")


asyncio.run(main())
