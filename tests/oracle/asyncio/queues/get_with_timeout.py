"""wait_for around q.get() gives up without losing items

Rule: a get() cancelled by wait_for's timeout leaves the queue as it was; an
item put later is there for the next get().
"""

import asyncio
import time


async def late_producer(q):
    await asyncio.sleep(3)
    await q.put("late item")


async def main():
    q = asyncio.Queue()
    asyncio.create_task(late_producer(q))
    try:
        await asyncio.wait_for(q.get(), timeout=1)
    except TimeoutError:
        print(f"no item within 1s (size {q.qsize()})")
    item = await q.get()
    print(f"got {item!r} at {time.time():.1f}")


asyncio.run(main())
