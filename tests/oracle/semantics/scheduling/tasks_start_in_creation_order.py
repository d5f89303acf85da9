"""tasks created in a loop start in creation order

Rule: create_task only schedules the task's first step with call_soon;
the ready queue is FIFO, so tasks created in a loop run their first step
in creation order once the creator yields.
"""

import asyncio


async def worker(i):
    print(f"start {i}")
    await asyncio.sleep(0)
    print(f"end {i}")


async def main():
    tasks = []
    for i in range(5):
        t = asyncio.create_task(worker(i))
        tasks.append(t)
    print(f"created {len(tasks)}")
    for t in tasks:
        await t
    print(f"all done")


asyncio.run(main())
