"""shield of a finished task returns its result at once

Rule: shield(t) of a task that is already done returns that task (no new
future), so awaiting it gives the result without a loop iteration.
"""

import asyncio


async def job():
    return 9


async def main():
    t = asyncio.create_task(job())
    await asyncio.sleep(0)
    print(f"t.done()={t.done()}")
    print(f"shield(t) is t: {asyncio.shield(t) is t}")
    r = await asyncio.shield(t)
    print(f"result {r}")


asyncio.run(main())
