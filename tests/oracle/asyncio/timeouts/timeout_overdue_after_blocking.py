"""a timeout that fell due during a blocking call fires after ready tasks

Rule: time.sleep holds the whole loop, so the timeout cannot fire during it.
Afterwards the overdue timer joins the ready queue behind the task's own
pending step, so the task gets one more step (through its first sleep(0))
before the cancellation lands at the following suspension.
"""

import asyncio
import time


async def main():
    try:
        async with asyncio.timeout(1):
            time.sleep(2)
            print(f"after blocking, at {time.time():.1f}: still running")
            await asyncio.sleep(0)
            print("after one sleep(0) the timer has still not fired")
            await asyncio.sleep(0)
            print("never printed")
    except TimeoutError:
        print(f"TimeoutError at {time.time():.1f}")


asyncio.run(main())
