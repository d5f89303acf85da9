"""gather propagates the first failure while the other children keep running

Rule: without return_exceptions, gather raises the first child exception
to its awaiter as soon as that child fails, but does not cancel the
other children: they keep running and printing after main has caught
the error.
"""

import asyncio
import time


async def ok(name, d):
    await asyncio.sleep(d)
    print(f"{name} finished at {time.time():.0f}")
    return name


async def bad():
    await asyncio.sleep(1)
    print(f"bad raising")
    raise ValueError("bad failed")


async def main():
    try:
        res = await asyncio.gather(ok("A", 2), bad(), ok("B", 3))
        print(f"unreachable {res}")
    except ValueError as e:
        print(f"main caught {e!r} at {time.time():.0f}")
    await asyncio.sleep(5)
    print(f"main ends")


asyncio.run(main())
