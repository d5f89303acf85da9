"""result() of a pending task raises InvalidStateError

Rule: result() and exception() on a task that is not done raise
asyncio.InvalidStateError ("Result is not set." / "Exception is not
set.").
"""

import asyncio


async def slow():
    await asyncio.sleep(1)
    return 1


async def main():
    t = asyncio.create_task(slow())
    try:
        t.result()
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    try:
        t.exception()
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    v = await t
    print(f"after await: {t.result()} {t.exception()}")


asyncio.run(main())
