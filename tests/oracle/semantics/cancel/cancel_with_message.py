"""cancel(msg) delivers the message to the task and to its awaiter

Rule: the message passed to cancel() is the CancelledError's argument
inside the cancelled task; the awaiter of the task sees the message too.
"""

import asyncio


async def worker():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(f"worker sees {e!r} args={e.args}")
        raise


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(1)
    t.cancel(f"shutting down")
    try:
        await t
    except asyncio.CancelledError as e:
        print(f"main sees {e!r} str={e}")


asyncio.run(main())
