"""set_exception on a future raises it in every waiter

Rule: a future completed with set_exception raises that exception
object in each task awaiting it, in awaiting order.
"""

import asyncio


async def waiter(name, fut):
    try:
        await fut
    except LookupError as e:
        print(f"{name} caught {e!r}")


async def setter(fut):
    await asyncio.sleep(1)
    fut.set_exception(KeyError("gone"))
    print(f"exception set")


async def main():
    fut = asyncio.get_running_loop().create_future()
    r = await asyncio.gather(waiter("a", fut), waiter("b", fut), setter(fut))
    print(f"{r}")


asyncio.run(main())
