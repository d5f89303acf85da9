"""a TaskGroup waits for all its tasks

Rule: leaving the `async with TaskGroup()` block waits until every task
created in the group is done; their results are then available.
"""

import asyncio
import time


async def child(n):
    print(f"child {n} starts")
    await asyncio.sleep(n)
    print(f"child {n} ends at {time.time():.1f}")
    return n * n


async def main():
    async with asyncio.TaskGroup() as tg:
        t2 = tg.create_task(child(2))
        t1 = tg.create_task(child(1))
        print("body done, waiting for the children")
    print(f"group exited at {time.time():.1f}: {t1.result()} {t2.result()}")


asyncio.run(main())
