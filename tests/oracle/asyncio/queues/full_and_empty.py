"""put_nowait on a full queue and get_nowait on an empty one raise

Rule: put_nowait raises asyncio.QueueFull when qsize() == maxsize, and
get_nowait raises asyncio.QueueEmpty when the queue is empty; full() and
empty() report the same conditions.
"""

import asyncio


async def main():
    q = asyncio.Queue(maxsize=2)
    print(f"empty={q.empty()} full={q.full()}")
    q.put_nowait("a")
    q.put_nowait("b")
    print(f"size={q.qsize()} full={q.full()}")
    try:
        q.put_nowait("c")
    except asyncio.QueueFull as e:
        print(f"QueueFull raised: {e!r}")
    x = q.get_nowait()
    y = q.get_nowait()
    print(f"got {x} {y}")
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print(f"QueueEmpty raised, empty={q.empty()}")


asyncio.run(main())
