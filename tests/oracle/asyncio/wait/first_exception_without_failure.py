"""FIRST_EXCEPTION with no failing task waits for all

Rule: when no task raises, return_when=FIRST_EXCEPTION behaves like
ALL_COMPLETED.
"""

import asyncio
import time


async def ok(d):
    await asyncio.sleep(d)
    return d


async def main():
    tasks = [asyncio.create_task(ok(d)) for d in (2, 1)]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print(f"at {time.time():.1f}: done={len(done)} pending={len(pending)}")
    print(f"{[t.result() for t in tasks]}")


asyncio.run(main())
