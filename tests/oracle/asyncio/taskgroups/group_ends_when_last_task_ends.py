"""tasks created by tasks of the group keep the group open

Rule: a task of the group can add more tasks to the same group; the block
exits only when all of them, including late additions, are done.
"""

import asyncio
import time


async def spawner(tg):
    await asyncio.sleep(1)
    print("spawner adds a task")
    tg.create_task(late())


async def late():
    await asyncio.sleep(2)
    print(f"late task done at {time.time():.1f}")


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(spawner(tg))
    print(f"group exited at {time.time():.1f}")


asyncio.run(main())
