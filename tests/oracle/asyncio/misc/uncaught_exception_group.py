"""an uncaught ExceptionGroup from a TaskGroup exits with status 1

Rule: the ExceptionGroup a failing TaskGroup raises propagates out of
asyncio.run; stdout keeps what was printed before, the exit status is 1.
"""

import asyncio


async def bad():
    await asyncio.sleep(1)
    raise ValueError("child failed")


async def main():
    print("starting")
    async with asyncio.TaskGroup() as tg:
        tg.create_task(bad())
    print("not printed")


asyncio.run(main())
