"""set_result on a future wakes its waiters in the order they awaited

Rule: a loop future's set_result schedules every waiter's wake-up with
call_soon in registration order; the setter keeps running until it
yields, then the waiters run in order.
"""

import asyncio


async def waiter(name, fut):
    v = await fut
    print(f"{name} got {v}")


async def main():
    fut = asyncio.get_running_loop().create_future()
    asyncio.create_task(waiter("first", fut))
    asyncio.create_task(waiter("second", fut))
    asyncio.create_task(waiter("third", fut))
    await asyncio.sleep(0)
    fut.set_result(42)
    print(f"result set, done={fut.done()}")
    await asyncio.sleep(0)
    print(f"main after one yield")


asyncio.run(main())
