"""gather with two failing children raises the first to fail

Rule: gather propagates whichever child fails first in time, not in
argument order; later failures are marked retrieved by gather and are
not reported.
"""

import asyncio


async def fail(msg, d):
    await asyncio.sleep(d)
    print(f"{msg} failing")
    raise RuntimeError(msg)


async def main():
    try:
        await asyncio.gather(fail("first arg", 2), fail("second arg", 1))
    except RuntimeError as e:
        print(f"caught {e}")
    await asyncio.sleep(3)
    print(f"end")


asyncio.run(main())
