"""set_exception raises the exception in every awaiting task

Rule: all tasks awaiting a future whose exception is set get that exception
raised at their await, in the order they started waiting.
"""

import asyncio


async def waiter(name, fut):
    try:
        await fut
    except ValueError as e:
        print(f"{name} got {e!r}")


async def main():
    fut = asyncio.get_running_loop().create_future()
    tasks = [asyncio.create_task(waiter(n, fut)) for n in 'XYZ']
    await asyncio.sleep(1)
    fut.set_exception(ValueError("x"))
    await asyncio.gather(*tasks)
    print(f"fut.exception() = {fut.exception()!r}")


asyncio.run(main())
