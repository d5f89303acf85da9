"""raising in an except block replaces the exception, raise from sets the cause

Rule: a new exception raised inside a handler propagates instead of the
handled one, with __context__ set to it; `raise X from Y` also sets
__cause__.
"""

import asyncio


async def convert():
    try:
        x = 1 // 0
    except ZeroDivisionError as e:
        raise ValueError("converted") from e


async def replace():
    try:
        raise KeyError("k")
    except KeyError:
        raise RuntimeError("replaced")


async def main():
    try:
        await convert()
    except ValueError as e:
        print(f"{e!r} cause={e.__cause__!r}")
    try:
        await replace()
    except RuntimeError as e:
        print(f"{e!r} context={e.__context__!r} cause={e.__cause__!r}")


asyncio.run(main())
