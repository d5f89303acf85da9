"""a created task has not started when its creator prints

Rule: create_task does not run any of the new task's code; the creator
keeps running until its next real suspension, so its prints come first
and the task's first print appears only after the creator awaits.
"""

import asyncio


async def child():
    print(f"child runs")
    return 42


async def main():
    t = asyncio.create_task(child())
    print(f"created, done={t.done()}")
    print(f"still main")
    r = await t
    print(f"child returned {r}")


asyncio.run(main())
