"""an exception inside an async generator reaches the async for

Rule: an exception raised in the generator's body propagates out of the
async for statement after the values yielded before it were processed.
"""

import asyncio
import time


async def items():
    yield 1
    await asyncio.sleep(1)
    yield 2
    raise RuntimeError("source broke")


async def main():
    try:
        async for x in items():
            print(f"item {x}")
    except RuntimeError as e:
        print(f"caught {e!r} at {time.time():.1f}")


asyncio.run(main())
