"""an exception raised in finally replaces the one in flight

Rule: if a finally block raises while another exception propagates,
the new exception wins and the old one becomes its __context__.
"""

import asyncio


async def f():
    try:
        raise ValueError("first")
    finally:
        await asyncio.sleep(0)
        raise KeyError("second")


async def main():
    try:
        await f()
    except ValueError:
        print(f"never")
    except KeyError as e:
        print(f"caught {e!r}, context {e.__context__!r}")


asyncio.run(main())
