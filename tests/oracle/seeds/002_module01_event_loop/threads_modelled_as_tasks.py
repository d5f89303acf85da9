"""the threading example, modelled with tasks

Seed 002 (Module 01), 5.1 Threading Approach, modelled with its closest
asyncio equivalent (scenarios have no threads): each thread becomes a task,
Thread.start() is create_task, Thread.join() is awaiting the task, and the
thread's time.sleep(2) becomes asyncio.sleep(2), which like a sleeping
thread blocks only its own task. With real threads the three "finished"
lines come in an order the OS decides; here they come in start order, all
after two seconds.
"""

import asyncio


async def task(name):
    print(f"{name} started")
    await asyncio.sleep(2)
    print(f"{name} finished")


async def main():
    threads = [asyncio.create_task(task(f"Thread-{i}")) for i in range(3)]
    for t in threads:
        await t


asyncio.run(main())
