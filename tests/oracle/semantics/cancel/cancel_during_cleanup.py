"""a second cancel interrupts an await inside the cleanup

Rule: a finally block that awaits can itself be cancelled: the second
cancel() throws CancelledError at the cleanup's await, cutting the
cleanup short; the task ends cancelled.
"""

import asyncio
import time


async def worker():
    try:
        await asyncio.sleep(10)
    finally:
        print(f"cleanup starts")
        try:
            await asyncio.sleep(5)
            print(f"cleanup never finishes")
        finally:
            print(f"cleanup interrupted at {time.time():.0f}")


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(1)
    t.cancel()
    await asyncio.sleep(1)
    again = t.cancel()
    print(f"second cancel -> {again}")
    try:
        await t
    except asyncio.CancelledError:
        print(f"cancelled={t.cancelled()} at {time.time():.0f}")


asyncio.run(main())
