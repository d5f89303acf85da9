"""ways to run coroutines 3 - create_task

Seed 003 (A Journey from First Principles), "Understanding Different Ways to
Run Coroutines", Method 3: asyncio.create_task() for more control (the third
of the seed's three asyncio.run calls; see run_method1 and run_method2). The
seed prints run_with_tasks's result at the top level; here main awaits it
and prints it.
"""

import asyncio


async def simple_coro(name):
    await asyncio.sleep(1)
    return f"Hello from {name}"


async def run_with_tasks():
    task1 = asyncio.create_task(simple_coro("Task A"))
    task2 = asyncio.create_task(simple_coro("Task B"))
    print("Tasks are running in background...")
    result1 = await task1
    result2 = await task2
    return [result1, result2]


async def main():
    results = await run_with_tasks()
    print(f"{results}")


asyncio.run(main())
