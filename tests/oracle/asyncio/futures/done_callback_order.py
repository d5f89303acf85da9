"""done callbacks and awaiting tasks wake in registration order

Rule: a future's done callbacks are scheduled with call_soon in the order
they were added; a task awaiting the future registers its wake-up when it
first waits, so callbacks and task wake-ups interleave by that order. The
callback receives the future.
"""

import asyncio


def cb(fut):
    print(f"callback sees {fut.result()}")


async def waiter(name, fut):
    v = await fut
    print(f"{name} woke with {v}")


async def main():
    fut = asyncio.get_running_loop().create_future()
    asyncio.create_task(waiter("A", fut))
    await asyncio.sleep(0)
    fut.add_done_callback(cb)
    asyncio.create_task(waiter("B", fut))
    await asyncio.sleep(0)
    fut.set_result(5)
    print(f"set_result returned; done={fut.done()}")
    await asyncio.sleep(0)
    print("main after one iteration")
    await asyncio.sleep(0)


asyncio.run(main())
