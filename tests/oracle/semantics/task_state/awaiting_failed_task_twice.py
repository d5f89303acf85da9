"""a failed task raises the same exception object at every await

Rule: awaiting a task that failed raises its stored exception each
time; the object is the one exception() returns.
"""

import asyncio


async def bad():
    raise ValueError("once")


async def main():
    t = asyncio.create_task(bad())
    seen = []
    for i in range(2):
        try:
            await t
        except ValueError as e:
            print(f"await {i}: {e!r}")
            seen.append(e)
    print(f"same object: {seen[0] is seen[1]} is exception(): {seen[0] is t.exception()}")


asyncio.run(main())
