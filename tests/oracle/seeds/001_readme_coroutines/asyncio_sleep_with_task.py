"""asyncio.sleep lets other work run

Seed 001 (README), "Why Not Use time.sleep() in Async Code?" - Using await
asyncio.sleep() (Non-Blocking). The task is started in the background, main
carries on at once, then waits for the task. The seed shows no output;
CPython prints "Main function continues..." before the task has even
started.
"""

import asyncio


async def async_task():
    print("Task started...")
    await asyncio.sleep(3)
    print("Task completed!")


async def main():
    task = asyncio.create_task(async_task())
    print("Main function continues...")
    await task


asyncio.run(main())
