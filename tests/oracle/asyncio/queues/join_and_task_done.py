"""join waits until every item is marked done

Rule: q.join() returns when task_done() has been called once for every item
put; workers are then cancelled, as the usual worker pattern does.
"""

import asyncio
import time


async def worker(name, q):
    while True:
        d = await q.get()
        await asyncio.sleep(d)
        print(f"{name} processed {d} at {time.time():.1f}")
        q.task_done()


async def main():
    q = asyncio.Queue()
    for d in (3, 1, 2, 1):
        q.put_nowait(d)
    workers = [asyncio.create_task(worker(f'w{i}', q)) for i in range(2)]
    await q.join()
    print(f"all work done at {time.time():.1f}, size={q.qsize()}")
    for w in workers:
        w.cancel()
    r = await asyncio.gather(*workers, return_exceptions=True)
    print(f"workers: {[type(x).__name__ for x in r]}")


asyncio.run(main())
