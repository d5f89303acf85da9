"""waiting for an Event with a timeout

Rule: wait_for(ev.wait(), t) raises TimeoutError if the event is not set in
time; a later wait succeeds once another task sets it.
"""

import asyncio
import time


async def setter(ev):
    await asyncio.sleep(3)
    print(f"setting at {time.time():.1f}")
    ev.set()


async def main():
    ev = asyncio.Event()
    asyncio.create_task(setter(ev))
    try:
        await asyncio.wait_for(ev.wait(), timeout=1)
    except TimeoutError:
        print(f"not set after 1s, is_set={ev.is_set()}")
    r = await asyncio.wait_for(ev.wait(), timeout=5)
    print(f"event set: {r} at {time.time():.1f}")


asyncio.run(main())
