"""gather wraps bare coroutines in tasks named in argument order

Rule: gather of bare coroutines creates one task per coroutine, in
argument order: after the main task Task-1 and the explicitly created
task Task-2 (which keeps its own name inside gather), the bare
coroutines become Task-3, Task-4, Task-5.
"""

import asyncio


async def who(label):
    print(f"{label} runs in {asyncio.current_task().get_name()}")


async def main():
    print(f"main is {asyncio.current_task().get_name()}")
    t = asyncio.create_task(who("pre"))
    await asyncio.gather(who("a"), t, who("b"), who("c"))


asyncio.run(main())
