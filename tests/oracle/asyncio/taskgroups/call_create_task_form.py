"""tg.create_task in a call step

Rule: `call: tg.create_task(child())` is the same as a task step with group;
tasks in the group start in creation order at the first suspension of the
body (or when the body ends).
"""

import asyncio


async def child(n):
    print(f"child {n} running in {asyncio.current_task().get_name()}")
    return n


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child(1))
        t = tg.create_task(child(2), name="second")
        print(f"body ends; t.done()={t.done()}")
    print(f"after the group: {t.result()}")


asyncio.run(main())
