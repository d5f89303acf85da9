"""time.sleep blocks the event loop

Seed 001 (README), "Why Not Use time.sleep() in Async Code?" - Using
time.sleep() (Blocks Everything). The `block` step is time.sleep(3): the
whole event loop stops for three seconds before main continues.
"""

import asyncio
import time


async def async_task():
    print("Task started...")
    time.sleep(3)
    print("Task completed!")


async def main():
    await async_task()
    print("Main function continues...")


asyncio.run(main())
