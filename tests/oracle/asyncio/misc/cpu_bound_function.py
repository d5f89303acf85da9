"""a plain CPU-bound function called from coroutines

Rule: a plain function runs to completion inside the calling task's step; no
other task runs during it and the virtual clock does not move.
"""

import asyncio
import time


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


async def worker(name, n):
    print(f"{name} computes fib({n})")
    r = fib(n)
    print(f"{name}: fib({n}) = {r} at {time.time():.1f}")
    await asyncio.sleep(0)
    print(f"{name} after yielding")


async def main():
    await asyncio.gather(worker("A", 15), worker("B", 10))


asyncio.run(main())
