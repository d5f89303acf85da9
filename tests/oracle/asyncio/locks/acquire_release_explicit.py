"""explicit acquire and release of a Lock

Rule: await lock.acquire() returns True and locked() becomes True; a second
task blocks in acquire() until release(); release() of an unlocked lock
raises RuntimeError.
"""

import asyncio
import time


async def other(lock):
    print("other tries to acquire")
    await lock.acquire()
    print(f"other acquired at {time.time():.1f}")
    lock.release()


async def main():
    lock = asyncio.Lock()
    ok = await lock.acquire()
    print(f"acquire() returned {ok}, locked={lock.locked()}")
    t = asyncio.create_task(other(lock))
    await asyncio.sleep(2)
    print("main releases")
    lock.release()
    await t
    print(f"locked={lock.locked()}")
    try:
        lock.release()
    except RuntimeError as e:
        print(f"RuntimeError: {e}")


asyncio.run(main())
