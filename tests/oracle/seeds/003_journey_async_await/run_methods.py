"""ways to run coroutines - asyncio.run, gather, create_task

Seed 003 (A Journey from First Principles), "Understanding Different Ways to
Run Coroutines": the seed's whole program, which calls asyncio.run three
times (Method 1: asyncio.run(); Method 2: gather inside the coroutine it
runs; Method 3: create_task) and prints each result at the top level of the
module.
"""

import asyncio


async def simple_coro(name):
    await asyncio.sleep(1)
    return f"Hello from {name}"


async def run_multiple():
    results = await asyncio.gather(simple_coro("Task 1"), simple_coro("Task 2"), simple_coro("Task 3"))
    return results


async def run_with_tasks():
    task1 = asyncio.create_task(simple_coro("Task A"))
    task2 = asyncio.create_task(simple_coro("Task B"))
    print("Tasks are running in background...")
    result1 = await task1
    result2 = await task2
    return [result1, result2]


result = asyncio.run(simple_coro("Method 1"))
print(f"{result}")
results = asyncio.run(run_multiple())
print(f"{results}")
results = asyncio.run(run_with_tasks())
print(f"{results}")
