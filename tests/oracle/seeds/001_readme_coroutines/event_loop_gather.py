"""event loop runs two tasks concurrently

Seed 001 (README), "What is Event Loop?" - Example of an Event Loop in
Python. Output matches the seed's expected output (the seed says the order
"may vary due to concurrency"; on CPython's loop it is deterministic).
"""

import asyncio


async def task1():
    print("Task 1 started")
    await asyncio.sleep(2)
    print("Task 1 completed")


async def task2():
    print("Task 2 started")
    await asyncio.sleep(1)
    print("Task 2 completed")


async def main():
    await asyncio.gather(task1(), task2())


asyncio.run(main())
