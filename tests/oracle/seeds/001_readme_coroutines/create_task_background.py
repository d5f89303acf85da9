"""create_task runs a background task

Seed 001 (README), "asyncio.create_task() ?" - Example. create_task only
schedules the task; main keeps going and the task starts at main's first
await. Differs from the seed's expected output, which shows "Background task
started..." right after "Main function started"; CPython prints it after
"Main function continues while background task runs...".
"""

import asyncio


async def background_task():
    print("Background task started...")
    await asyncio.sleep(3)
    print("Background task completed!")


async def main():
    print("Main function started")
    task = asyncio.create_task(background_task())
    print("Main function continues while background task runs...")
    await asyncio.sleep(1)
    print("Main function doing other work...")
    await task
    print("Main function completed")


asyncio.run(main())
