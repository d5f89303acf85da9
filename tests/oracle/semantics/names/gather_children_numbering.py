"""gather children consume task numbers between other created tasks

Rule: each gather of bare coroutines creates its tasks when gather is
called, so numbers interleave with explicit create_task calls in
program order.
"""

import asyncio


async def me(label):
    print(f"{label}: {asyncio.current_task().get_name()}")


async def main():
    t = asyncio.create_task(me("explicit 1"))
    await asyncio.gather(me("gather A"), me("gather B"))
    u = asyncio.create_task(me("explicit 2"))
    await asyncio.gather(me("gather C"), u)
    await t


asyncio.run(main())
