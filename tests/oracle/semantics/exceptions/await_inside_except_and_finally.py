"""handlers and finally blocks may await; other tasks run meanwhile

Rule: an except or finally block that awaits suspends the task like any
other await; a concurrently running task interleaves with the handler,
and the handled exception stays bound after the await.
"""

import asyncio


async def ticker():
    for i in range(4):
        print(f"tick {i}")
        await asyncio.sleep(0)


async def worker():
    try:
        raise ValueError("w")
    except ValueError as e:
        print(f"handler starts")
        await asyncio.sleep(0)
        print(f"handler after await still has {e!r}")
    finally:
        print(f"finally starts")
        await asyncio.sleep(0)
        print(f"finally ends")


async def main():
    await asyncio.gather(worker(), ticker())


asyncio.run(main())
