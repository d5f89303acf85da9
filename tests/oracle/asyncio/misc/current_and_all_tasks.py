"""current_task and all_tasks by name

Rule: current_task() is the task running the code; all_tasks() holds every
task not yet done (main included). It is a set in CPython, so it is printed
as sorted names or a length.
"""

import asyncio


async def worker(d):
    print(f"running in {asyncio.current_task().get_name()}")
    await asyncio.sleep(d)


async def main():
    print(f"main is {asyncio.current_task().get_name()}")
    asyncio.create_task(worker(1), name="short")
    asyncio.create_task(worker(3), name="long")
    await asyncio.sleep(0)
    print(f"{sorted(t.get_name() for t in asyncio.all_tasks())}")
    await asyncio.sleep(2)
    print(f"{sorted(t.get_name() for t in asyncio.all_tasks())}, count {len(asyncio.all_tasks())}")
    await asyncio.sleep(2)
    print(f"count {len(asyncio.all_tasks())}")


asyncio.run(main())
