"""keep a reference to your tasks

Seed 001 (README), "asyncio.create_task() ?" - Common Mistake: a task whose
reference is not kept "may get garbage collected before completion"; keep it
in a variable. The seed only gives the two lines with an undefined my_task;
here my_task is a one-second job and main starts one task of each kind, then
awaits the one it kept. Both complete: a task that is waiting on a timer
stays referenced by the loop, and the unreferenced task is no longer than
the awaited one, so it ends before asyncio.run returns.
"""

import asyncio


async def my_task(label):
    print(f"{label} task started")
    await asyncio.sleep(1)
    print(f"{label} task finished")


async def main():
    asyncio.create_task(my_task("unreferenced"))
    task = asyncio.create_task(my_task("referenced"))
    await task


asyncio.run(main())
