"""awaiting a finished task does not yield

Rule: awaiting a future that is already done returns its result at once
without suspending, so another ready task does not get to run in
between; awaiting a coroutine that never suspends does not yield either.
"""

import asyncio


async def quick():
    return 1


async def ticker():
    for i in range(3):
        print(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    q = asyncio.create_task(quick())
    await asyncio.sleep(0)
    print(f"q done={q.done()}")
    tk = asyncio.create_task(ticker())
    a = await q
    b = await quick()
    print(f"got {a} {b} without yielding")
    await tk


asyncio.run(main())
