"""an exception unwinds a three-deep await chain running finally blocks innermost first

Rule: an exception raised in the innermost coroutine propagates through
each awaiting frame; each frame's finally runs as it unwinds, innermost
first, and the outermost handler sees the original exception.
"""

import asyncio


async def level3():
    try:
        print(f"level3 raising")
        await asyncio.sleep(1)
        raise KeyError("deep")
    finally:
        print(f"level3 finally")


async def level2():
    try:
        await level3()
        print(f"level2 unreachable")
    finally:
        print(f"level2 finally")


async def level1():
    try:
        await level2()
    finally:
        print(f"level1 finally")


async def main():
    try:
        await level1()
    except KeyError as e:
        print(f"main caught {e!r} str={e}")


asyncio.run(main())
