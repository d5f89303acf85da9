"""the main task is Task-1

Rule: asyncio.run wraps main() in the first task of the run, named
Task-1; a coroutine awaited inline runs in the same task.
"""

import asyncio


async def helper():
    print(f"helper runs in {asyncio.current_task().get_name()}")


async def main():
    print(f"main runs in {asyncio.current_task().get_name()}")
    await helper()


asyncio.run(main())
