"""asyncio.wait refuses bare coroutines

Rule (CPython 3.11): passing a coroutine object to asyncio.wait raises
TypeError; the coroutine is untouched and can still be awaited.
"""

import asyncio


async def job():
    await asyncio.sleep(1)
    return 7


async def main():
    c = job()
    try:
        await asyncio.wait([c])
    except TypeError as e:
        print(f"TypeError: {e}")
    r = await c
    print(f"awaited it directly: {r}")


asyncio.run(main())
