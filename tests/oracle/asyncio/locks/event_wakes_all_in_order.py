"""Event.set wakes every waiter, in the order they waited

Rule: ev.set() wakes all tasks blocked in ev.wait() (which returns True);
they resume in the order they started waiting, after the setter suspends.
"""

import asyncio
import time


async def waiter(name, ev):
    print(f"{name} waiting")
    r = await ev.wait()
    print(f"{name} woke ({r}) at {time.time():.1f}")


async def main():
    ev = asyncio.Event()
    tasks = [asyncio.create_task(waiter(n, ev)) for n in ('w1', 'w2', 'w3')]
    await asyncio.sleep(1)
    print(f"setting, is_set={ev.is_set()}")
    ev.set()
    print(f"set, is_set={ev.is_set()}")
    await asyncio.gather(*tasks)


asyncio.run(main())
