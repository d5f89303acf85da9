"""LifoQueue returns the last item put first

Rule: asyncio.LifoQueue is a stack: get() returns the most recently put
item.
"""

import asyncio


async def main():
    q = asyncio.LifoQueue()
    for x in ("first", "second", "third"):
        await q.put(x)
    while not q.empty():
        item = await q.get()
        print(f"{item}")


asyncio.run(main())
