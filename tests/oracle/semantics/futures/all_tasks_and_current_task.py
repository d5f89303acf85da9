"""all_tasks counts unfinished tasks including main

Rule: all_tasks() returns the tasks not yet done, main included; a
finished task leaves the set; current_task() is the running task.
"""

import asyncio


async def short():
    await asyncio.sleep(0)


async def long():
    await asyncio.sleep(5)


async def main():
    print(f"start: {len(asyncio.all_tasks())}")
    s = asyncio.create_task(short())
    l = asyncio.create_task(long())
    print(f"created: {len(asyncio.all_tasks())}")
    await asyncio.sleep(1)
    print(f"after short ended: {len(asyncio.all_tasks())} main in set: {asyncio.current_task() in asyncio.all_tasks()} long in set: {l in asyncio.all_tasks()}")
    l.cancel()


asyncio.run(main())
