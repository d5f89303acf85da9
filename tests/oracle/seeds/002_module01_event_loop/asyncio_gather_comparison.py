"""the asyncio approach

Seed 002 (Module 01), 5.2 Asyncio Approach: the same three two-second jobs
as coroutines run with gather in one thread; all three start, and two
seconds later all three finish, in start order.
"""

import asyncio


async def task(name):
    print(f"{name} started")
    await asyncio.sleep(2)
    print(f"{name} finished")


async def main():
    await asyncio.gather(task("Coro-0"), task("Coro-1"), task("Coro-2"))


asyncio.run(main())
