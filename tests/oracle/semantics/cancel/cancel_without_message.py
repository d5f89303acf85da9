"""cancel() without a message gives an empty CancelledError

Rule: with no message the CancelledError has no args in the task; its
repr is CancelledError() and its str is empty.
"""

import asyncio


async def worker():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(f"worker sees {e!r} args={e.args} str=[{e}]")
        raise


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(1)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError as e:
        print(f"main sees {type(e).__name__}")


asyncio.run(main())
