"""wait_for on a task cancels that task on timeout

Rule: wait_for given an existing task cancels the task itself when the
timeout expires; afterwards the task is done and cancelled().
"""

import asyncio


async def slow():
    await asyncio.sleep(3)
    return 1


async def main():
    t = asyncio.create_task(slow())
    try:
        await asyncio.wait_for(t, timeout=1)
    except TimeoutError:
        print(f"timed out: done={t.done()} cancelled={t.cancelled()}")


asyncio.run(main())
