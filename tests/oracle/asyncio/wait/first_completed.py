"""wait with FIRST_COMPLETED returns as soon as one task finishes

Rule: asyncio.wait(..., return_when=FIRST_COMPLETED) returns (done, pending)
when the first task finishes; the others keep running and are not cancelled.
"""

import asyncio
import time


async def job(d):
    await asyncio.sleep(d)
    print(f"job {d} finished at {time.time():.1f}")
    return d


async def main():
    a = asyncio.create_task(job(3), name="slow")
    b = asyncio.create_task(job(1), name="fast")
    c = asyncio.create_task(job(2), name="medium")
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_COMPLETED)
    print(f"done: {sorted(t.get_name() for t in done)}")
    print(f"pending: {sorted(t.get_name() for t in pending)}")
    print(f"results: {[t.result() for t in done]}")
    rest = await asyncio.gather(a, c)
    print(f"rest: {rest} at {time.time():.1f}")


asyncio.run(main())
