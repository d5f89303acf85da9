"""an asyncio.timeout block that expires raises TimeoutError after it

Rule: when the deadline passes, the task is cancelled inside the block; the
CancelledError unwinds the block (its finally runs) and leaves it as
TimeoutError, which an enclosing try can catch.
"""

import asyncio
import time


async def main():
    try:
        async with asyncio.timeout(1):
            print("block starts")
            try:
                await asyncio.sleep(5)
                print("never printed")
            finally:
                print(f"finally inside the block at {time.time():.1f}")
        print("never printed either")
    except TimeoutError as e:
        print(f"caught {type(e).__name__} at {time.time():.1f}")
    print(f"task cancelling() = {asyncio.current_task().cancelling()}")


asyncio.run(main())
