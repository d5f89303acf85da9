"""a bare raise re-raises the exception being handled

Rule: `raise` with no argument inside an except block re-raises the same
exception object; the outer handler sees the identical object (and its
finally blocks run on the way out).
"""

import asyncio


async def inner():
    try:
        raise ValueError("original")
    except ValueError as e:
        print(f"inner handling {e!r}")
        raise
    finally:
        print(f"inner finally")


async def main():
    try:
        await inner()
    except BaseException as e:
        print(f"outer got {e!r}")


asyncio.run(main())
