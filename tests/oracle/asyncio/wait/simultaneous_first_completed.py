"""tasks finishing in the same loop iteration are all in done

Rule: wait's FIRST_COMPLETED wakes the waiter through call_soon, so every
task that completes before the waiter runs again (here two with the same
deadline) is already in done.
"""

import asyncio


async def job(d):
    await asyncio.sleep(d)
    return d


async def main():
    tasks = [asyncio.create_task(job(d), name=f't{i}') for i, d in enumerate((1, 1, 2))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"done: {sorted(t.get_name() for t in done)}")
    print(f"pending: {sorted(t.get_name() for t in pending)}")
    tasks[2].cancel()


asyncio.run(main())
