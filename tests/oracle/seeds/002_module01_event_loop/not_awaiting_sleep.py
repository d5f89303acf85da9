"""not awaiting asyncio.sleep

Seed 002 (Module 01), 6.3 Not Awaiting Coroutines. `asyncio.sleep(1)`
without await creates a coroutine and drops it: no time passes and CPython
warns "RuntimeWarning: coroutine 'sleep' was never awaited" on stderr. The
seed's program prints nothing; the two prints showing the elapsed time are
added.
"""

import asyncio
import time


async def main():
    start = time.time()
    asyncio.sleep(1)
    print(f"after asyncio.sleep(1) without await: {time.time() - start:.1f}s")
    await asyncio.sleep(1)
    print(f"after await asyncio.sleep(1): {time.time() - start:.1f}s")


asyncio.run(main())
