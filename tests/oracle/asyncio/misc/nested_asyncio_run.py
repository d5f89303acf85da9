"""asyncio.run inside a running loop raises RuntimeError

Rule: calling asyncio.run from a coroutine while the loop is running raises
RuntimeError before the coroutine is started; the coroutine object is
untouched and can be awaited normally afterwards.
"""

import asyncio


async def inner():
    print("inner runs")
    return 1


async def main():
    c = inner()
    try:
        asyncio.run(c)
    except RuntimeError as e:
        print(f"RuntimeError: {e}")
    r = await c
    print(f"awaited the coroutine instead: {r}")


asyncio.run(main())
