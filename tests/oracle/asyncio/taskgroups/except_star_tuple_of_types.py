"""except* with a tuple of types

Rule: `except* (ValueError, KeyError)` takes every exception of either type
into one group, keeping the order they were raised in.
"""

import asyncio


class AppError(Exception):
    pass


async def fail(exc, d):
    await asyncio.sleep(d)
    raise exc


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail(KeyError("k"), 1))
            tg.create_task(fail(ValueError("v"), 1))
            tg.create_task(fail(AppError("a"), 1))
    except* (ValueError, KeyError) as eg:
        print(f"value/key: {eg.exceptions}")
    except* AppError as eg:
        print(f"app: {eg.exceptions}")


asyncio.run(main())
