"""Event.wait on a set event returns at once; clear resets it

Rule: wait() on an event that is set returns True without suspending (no
other task runs in between); after clear() wait() blocks again until the
next set().
"""

import asyncio
import time


async def other():
    print("other task ran")


async def setter(ev):
    await asyncio.sleep(2)
    ev.set()


async def main():
    ev = asyncio.Event()
    ev.set()
    asyncio.create_task(other())
    await ev.wait()
    print("wait on a set event did not let other run first")
    await asyncio.sleep(0)
    ev.clear()
    print(f"cleared, is_set={ev.is_set()}")
    asyncio.create_task(setter(ev))
    await ev.wait()
    print(f"woke again at {time.time():.1f}")


asyncio.run(main())
