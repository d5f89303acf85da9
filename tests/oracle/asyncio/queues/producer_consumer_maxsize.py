"""a bounded queue makes the producer wait for the consumer

Rule: with maxsize=2, put() returns at once while there is room and blocks
when the queue is full, until a get() frees a slot; the prints show the
producer running ahead by at most two items.
"""

import asyncio
import time


async def producer(q):
    for i in range(5):
        await q.put(i)
        print(f"put {i} at {time.time():.1f} (size {q.qsize()})")
    await q.put(None)


async def consumer(q):
    while True:
        item = await q.get()
        if item is None:
            break
        print(f"  got {item} at {time.time():.1f}")
        await asyncio.sleep(1)


async def main():
    q = asyncio.Queue(maxsize=2)
    await asyncio.gather(producer(q), consumer(q))
    print(f"finished at {time.time():.1f}, empty={q.empty()}")


asyncio.run(main())
