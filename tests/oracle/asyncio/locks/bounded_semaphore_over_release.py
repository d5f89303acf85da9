"""BoundedSemaphore refuses an extra release

Rule: releasing a BoundedSemaphore more times than it was acquired raises
ValueError; a plain Semaphore just grows.
"""

import asyncio


async def main():
    b = asyncio.BoundedSemaphore(1)
    await b.acquire()
    print(f"acquired, locked={b.locked()}")
    b.release()
    try:
        b.release()
    except ValueError as e:
        print(f"ValueError: {e}")
    s = asyncio.Semaphore(1)
    s.release()
    await s.acquire()
    await s.acquire()
    print(f"plain Semaphore acquired twice after one extra release, locked={s.locked()}")


asyncio.run(main())
