"""wait_for around shield times out but the inner task finishes

Rule: wait_for(shield(t), 1) raises TimeoutError after 1 s and cancels only
the shield's outer future; the shielded task keeps running, and awaiting it
later gives its result.
"""

import asyncio
import time


async def save():
    print("saving")
    await asyncio.sleep(3)
    print(f"saved at {time.time():.1f}")
    return "ok"


async def main():
    t = asyncio.create_task(save())
    try:
        await asyncio.wait_for(asyncio.shield(t), timeout=1)
    except TimeoutError:
        print(f"gave up waiting at {time.time():.1f}; t.cancelled()={t.cancelled()}")
    r = await t
    print(f"result {r!r}")


asyncio.run(main())
