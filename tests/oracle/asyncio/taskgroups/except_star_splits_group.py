"""except* handles each matching part of an ExceptionGroup

Rule: two tasks of a group fail with different types; `except* ValueError`
receives a group of just the ValueErrors and `except* TypeError` a group of
just the TypeErrors; both handlers run, in order.
"""

import asyncio


async def fail(exc, d):
    await asyncio.sleep(d)
    raise exc


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail(ValueError("v1"), 1))
            tg.create_task(fail(TypeError("t1"), 1))
            tg.create_task(fail(ValueError("v2"), 1))
    except* ValueError as eg:
        print(f"ValueErrors: {eg.exceptions}")
    except* TypeError as eg:
        print(f"TypeErrors: {eg!r}")
    print("after the try")


asyncio.run(main())
