"""a failing nested TaskGroup nests its ExceptionGroup

Rule: a task that runs its own TaskGroup fails with that group's
ExceptionGroup; the outer group wraps it, so the outer ExceptionGroup
contains an ExceptionGroup.
"""

import asyncio


async def leaf(msg):
    await asyncio.sleep(1)
    raise RuntimeError(msg)


async def branch():
    async with asyncio.TaskGroup() as inner:
        inner.create_task(leaf("deep"))


async def main():
    try:
        async with asyncio.TaskGroup() as outer:
            outer.create_task(branch())
    except ExceptionGroup as eg:
        print(f"{eg!r}")
        print(f"inner group: {eg.exceptions[0]}")
        print(f"leaf: {eg.exceptions[0].exceptions[0]!r}")


asyncio.run(main())
