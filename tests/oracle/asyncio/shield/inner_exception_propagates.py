"""an exception in the shielded task reaches the awaiter

Rule: shield does not change the outcome of the inner task: its exception is
raised where the shield is awaited.
"""

import asyncio
import time


async def fail():
    await asyncio.sleep(1)
    raise ValueError("inner failed")


async def main():
    try:
        await asyncio.shield(fail())
    except ValueError as e:
        print(f"caught {e!r} at {time.time():.1f}")


asyncio.run(main())
