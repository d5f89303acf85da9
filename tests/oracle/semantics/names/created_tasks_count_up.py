"""created tasks are named Task-2, Task-3, ... in creation order

Rule: every task created without a name takes the next number of a
process-wide counter, in creation order, whether or not it has run.
"""

import asyncio


async def me():
    print(f"running {asyncio.current_task().get_name()}")


async def main():
    a = asyncio.create_task(me())
    b = asyncio.create_task(me())
    print(f"{a.get_name()} {b.get_name()}")
    await b
    await a


asyncio.run(main())
