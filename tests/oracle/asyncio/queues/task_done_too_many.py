"""task_done more times than items raises ValueError

Rule: calling q.task_done() when no item is unfinished raises ValueError;
join() on a queue with no unfinished items returns at once.
"""

import asyncio


async def main():
    q = asyncio.Queue()
    await q.join()
    print("join on an empty queue returned at once")
    q.put_nowait(1)
    q.get_nowait()
    q.task_done()
    try:
        q.task_done()
    except ValueError as e:
        print(f"ValueError: {e}")


asyncio.run(main())
