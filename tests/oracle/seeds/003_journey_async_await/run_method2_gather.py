"""ways to run coroutines 2 - gather

Seed 003 (A Journey from First Principles), "Understanding Different Ways to
Run Coroutines", Method 2: asyncio.gather() for multiple coroutines (the
second of the seed's three asyncio.run calls; see run_method1 and
run_method3). The seed prints run_multiple's result at the top level; here
main awaits it and prints it.
"""

import asyncio


async def simple_coro(name):
    await asyncio.sleep(1)
    return f"Hello from {name}"


async def run_multiple():
    results = await asyncio.gather(simple_coro("Task 1"), simple_coro("Task 2"), simple_coro("Task 3"))
    return results


async def main():
    results = await run_multiple()
    print(f"{results}")


asyncio.run(main())
