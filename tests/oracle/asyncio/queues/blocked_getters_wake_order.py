"""blocked getters are served in the order they started waiting

Rule: consumers waiting on an empty queue are woken first-come, first-
served: each put hands the next item to the longest-waiting getter.
"""

import asyncio


async def consumer(name, q):
    print(f"{name} waits")
    item = await q.get()
    print(f"{name} got {item}")


async def main():
    q = asyncio.Queue()
    tasks = [asyncio.create_task(consumer(n, q)) for n in ('c1', 'c2', 'c3')]
    await asyncio.sleep(0)
    for i in range(3):
        q.put_nowait(i)
    print("items put")
    await asyncio.gather(*tasks)


asyncio.run(main())
