"""wait with FIRST_EXCEPTION returns at the first failure

Rule: return_when=FIRST_EXCEPTION returns as soon as a task raises; tasks
that finished normally before it are in done too; the rest are pending and
still running.
"""

import asyncio
import time


async def ok(d):
    await asyncio.sleep(d)
    return d


async def bad(d):
    await asyncio.sleep(d)
    raise RuntimeError("bad")


async def main():
    a = asyncio.create_task(ok(1), name="ok1")
    b = asyncio.create_task(bad(2), name="bad2")
    c = asyncio.create_task(ok(3), name="ok3")
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_EXCEPTION)
    print(f"returned at {time.time():.1f}")
    print(f"done: {sorted(t.get_name() for t in done)}")
    print(f"pending: {sorted(t.get_name() for t in pending)}")
    print(f"b.exception() = {b.exception()!r}")
    for t in pending:
        t.cancel()
    r = await asyncio.gather(*pending, return_exceptions=True)
    print(f"pending after cancel: {r}")


asyncio.run(main())
