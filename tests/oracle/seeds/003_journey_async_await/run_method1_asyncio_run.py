"""ways to run coroutines 1 - asyncio.run

Seed 003 (A Journey from First Principles), "Understanding Different Ways to
Run Coroutines", Method 1: asyncio.run(), the standard way. The seed's
program calls asyncio.run three times (Methods 1, 2 and 3); each call is its
own scenario (run_method1/2/3), since a scenario is one asyncio.run. The
seed prints the result at the top level; here main awaits the coroutine and
prints it.
"""

import asyncio


async def simple_coro(name):
    await asyncio.sleep(1)
    return f"Hello from {name}"


async def main():
    result = await simple_coro("Method 1")
    print(f"{result}")


asyncio.run(main())
