"""gather collects the results

Seed 001 (README), "asyncio.gather() ?" - Example: Running Two Coroutines
Concurrently. Both start at once, task2 finishes first, gather returns the
results in argument order. Output matches the seed.
"""

import asyncio


async def task1():
    print("Task 1 started")
    await asyncio.sleep(2)
    print("Task 1 completed")
    return "Result 1"


async def task2():
    print("Task 2 started")
    await asyncio.sleep(1)
    print("Task 2 completed")
    return "Result 2"


async def main():
    results = await asyncio.gather(task1(), task2())
    print(f"All tasks completed: {results}")


asyncio.run(main())
