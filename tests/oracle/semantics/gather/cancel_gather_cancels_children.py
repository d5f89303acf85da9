"""cancelling the gather future cancels every child

Rule: gather's outer future forwards cancel() to all unfinished children;
each child sees CancelledError at its await (its except/finally runs, in
child order), and the awaiter of gather gets CancelledError.
"""

import asyncio


async def child(name):
    try:
        await asyncio.sleep(10)
        print(f"{name} finished")
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    finally:
        print(f"{name} finally")


async def runner():
    try:
        await asyncio.gather(child("A"), child("B"))
    except asyncio.CancelledError:
        print(f"runner saw CancelledError")
        raise


async def main():
    r = asyncio.create_task(runner())
    await asyncio.sleep(1)
    ok = r.cancel()
    print(f"cancel returned {ok}")
    try:
        await r
    except asyncio.CancelledError:
        print(f"main: runner cancelled={r.cancelled()}")


asyncio.run(main())
