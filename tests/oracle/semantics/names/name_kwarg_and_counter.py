"""an explicit name still advances the Task-N counter

Rule: create_task(name=...) uses the given name; in CPython 3.11 the
task counter is still advanced for a named task, so the next unnamed
task skips a number. set_name renames a task afterwards.
"""

import asyncio


async def me():
    print(f"running {asyncio.current_task().get_name()}")


async def main():
    a = asyncio.create_task(me())
    b = asyncio.create_task(me(), name=f"worker-{1 + 1}")
    c = asyncio.create_task(me())
    c.set_name("renamed")
    print(f"{a.get_name()} {b.get_name()} {c.get_name()}")
    await asyncio.gather(a, b, c)
    d = asyncio.create_task(me())
    await d


asyncio.run(main())
