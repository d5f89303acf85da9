"""a timeout around gather cancels all its children

Rule: when an asyncio.timeout expires while main awaits gather, the gather
and every child still running are cancelled (their handlers run in argument
order), and the block raises TimeoutError.
"""

import asyncio
import time


async def child(n):
    try:
        await asyncio.sleep(n)
        print(f"child {n} finished")
    except asyncio.CancelledError:
        print(f"child {n} cancelled")
        raise


async def main():
    try:
        async with asyncio.timeout(1.5):
            await asyncio.gather(child(1), child(2), child(3))
    except TimeoutError:
        print(f"TimeoutError at {time.time():.1f}")


asyncio.run(main())
