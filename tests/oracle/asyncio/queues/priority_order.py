"""PriorityQueue returns the smallest item first

Rule: asyncio.PriorityQueue keeps a heap: get() returns the smallest entry,
so (priority, data) tuples come out by priority, ties by data.
"""

import asyncio


async def main():
    q = asyncio.PriorityQueue()
    q.put_nowait((3, "low"))
    q.put_nowait((1, "urgent"))
    q.put_nowait((2, "normal b"))
    q.put_nowait((2, "normal a"))
    print(f"size {q.qsize()}")
    while not q.empty():
        item = await q.get()
        print(f"{item[0]}: {item[1]}")


asyncio.run(main())
