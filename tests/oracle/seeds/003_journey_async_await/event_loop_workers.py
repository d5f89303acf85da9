"""the event loop runs three workers

Seed 003 (A Journey from First Principles), "The Event Loop: The Heart of
Async Programming". create_task only schedules the workers: they start when
demonstrate_event_loop waits in gather, then finish at 1 s (B), 2 s (A) and
3 s (C), as in the seed's timeline.
"""

import asyncio


async def worker(name, work_time):
    print(f"Worker {name} started")
    await asyncio.sleep(work_time)
    print(f"Worker {name} finished after {work_time}s")
    return f"Result from {name}"


async def demonstrate_event_loop():
    print("Creating tasks...")
    task1 = asyncio.create_task(worker("A", 2))
    task2 = asyncio.create_task(worker("B", 1))
    task3 = asyncio.create_task(worker("C", 3))
    print("All tasks created, now waiting for completion...")
    results = await asyncio.gather(task1, task2, task3)
    print(f"All workers finished: {results}")


asyncio.run(demonstrate_event_loop())
