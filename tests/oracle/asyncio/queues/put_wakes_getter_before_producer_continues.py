"""a put wakes the waiting getter only at the next iteration

Rule: put_nowait hands the item to a waiting getter by resolving its future;
the getter runs only after the producer suspends, so the producer can put
several items first and the getter finds them all queued.
"""

import asyncio


async def consumer(q):
    first = await q.get()
    print(f"consumer woke with {first}; {q.qsize()} more queued")


async def main():
    q = asyncio.Queue()
    c = asyncio.create_task(consumer(q))
    await asyncio.sleep(0)
    q.put_nowait(1)
    q.put_nowait(2)
    q.put_nowait(3)
    print("producer put 3 items")
    await c


asyncio.run(main())
