"""cancelling a task

Seed 004 (Coroutines in Python Asyncio 🚀), 6. Cancellation of Coroutines.
The task prints every second; after 3 seconds main cancels it, the task sees
CancelledError at its await, cleans up and re-raises, and main catches the
cancellation when awaiting the task. At t=3 the task's third sleep and
main's sleep end together; main was scheduled first, so it cancels the task
before a fourth "running" line. Output matches the seed.
"""

import asyncio


async def long_running_task():
    try:
        while True:
            print("🔄 Task is running...")
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("🛑 Task was cancelled")
        raise


async def main():
    task = asyncio.create_task(long_running_task())
    await asyncio.sleep(3)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("🔄 Caught task cancellation")


asyncio.run(main())
