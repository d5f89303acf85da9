"""an asyncio.timeout block that finishes in time changes nothing

Rule: when the body finishes before the deadline the block exits normally
and the pending timeout is dropped; a later long sleep is not interrupted.
"""

import asyncio
import time


async def main():
    async with asyncio.timeout(2):
        await asyncio.sleep(1)
        print(f"body finished at {time.time():.1f}")
    await asyncio.sleep(5)
    print(f"after the block, at {time.time():.1f}")


asyncio.run(main())
