"""blocked putters are released in the order they started waiting

Rule: producers blocked on a full queue get their turn first-come, first-
served as items are taken, so items arrive in the order the putters blocked.
"""

import asyncio


async def producer(name, q):
    print(f"{name} puts")
    await q.put(name)
    print(f"{name} put done")


async def main():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait("initial")
    tasks = [asyncio.create_task(producer(n, q)) for n in ('p1', 'p2', 'p3')]
    await asyncio.sleep(0)
    for i in range(4):
        item = await q.get()
        print(f"main took {item}")
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)


asyncio.run(main())
