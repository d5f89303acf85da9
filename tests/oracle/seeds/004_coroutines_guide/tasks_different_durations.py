"""tasks with different durations

Seed 004 (Coroutines in Python Asyncio 🚀), 7. Putting It All Together -
Advanced Example: Handling Multiple Coroutines with Different Durations.
Three tasks of 1, 2 and 3 seconds start together and complete in that order;
gather returns the results in task order. Output matches the seed.
"""

import asyncio


async def task_a():
    print("🔵 Task A started")
    await asyncio.sleep(1)
    print("🔵 Task A completed")
    return "Result A"


async def task_b():
    print("🟢 Task B started")
    await asyncio.sleep(2)
    print("🟢 Task B completed")
    return "Result B"


async def task_c():
    print("🟡 Task C started")
    await asyncio.sleep(3)
    print("🟡 Task C completed")
    return "Result C"


async def main():
    tasks = [asyncio.create_task(task_a()), asyncio.create_task(task_b()), asyncio.create_task(task_c())]
    results = await asyncio.gather(*tasks)
    print("📊 All Results:")
    for result in results:
        print(f"{result}")


asyncio.run(main())
