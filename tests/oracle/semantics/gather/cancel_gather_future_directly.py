"""cancelling a gather future directly cancels its children

Rule: the object asyncio.gather returns is a future; cancel() on it
returns True and cancels each unfinished child, and awaiting it raises
CancelledError once the children have finished cancelling; yet the
gather future's cancelled() is False, because 3.11's gather completes
it with set_exception(CancelledError).
"""

import asyncio


async def child(name):
    try:
        await asyncio.sleep(5)
    finally:
        print(f"{name} finally")


async def main():
    g = asyncio.gather(child("A"), child("B"))
    await asyncio.sleep(1)
    r = g.cancel()
    print(f"cancel -> {r}, done={g.done()}")
    try:
        await g
    except asyncio.CancelledError:
        print(f"gather cancelled={g.cancelled()}")


asyncio.run(main())
