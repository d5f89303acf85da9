"""a cancelled getter does not consume the item; the next getter gets it

Rule: a task cancelled while blocked in q.get() leaves the line; the item
put afterwards goes to the next waiting getter.
"""

import asyncio


async def getter(name, q):
    try:
        item = await q.get()
        print(f"{name} got {item}")
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise


async def main():
    q = asyncio.Queue()
    g1 = asyncio.create_task(getter("g1", q))
    g2 = asyncio.create_task(getter("g2", q))
    await asyncio.sleep(0)
    g1.cancel()
    await asyncio.sleep(0)
    q.put_nowait("parcel")
    await asyncio.gather(g1, g2, return_exceptions=True)
    print(f"queue size {q.qsize()}")


asyncio.run(main())
