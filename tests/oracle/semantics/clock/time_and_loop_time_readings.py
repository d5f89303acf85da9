"""time.time, monotonic and loop.time start at 0 and follow sleeps

Rule: every clock reads 0.0 at the start of the run and advances
exactly by the virtual time slept; an elapsed-time computation prints
the sum of the sleeps; several clocks agree.
"""

import asyncio
import time


async def main():
    start = time.time()
    m0 = time.monotonic()
    p0 = time.perf_counter()
    print(f"start {start:.3f} {m0:.3f} {p0:.3f}")
    await asyncio.sleep(1.5)
    print(f"after 1.5: {time.time() - start:.3f} {time.monotonic() - m0:.3f}")
    await asyncio.sleep(0.25)
    print(f"after 1.75: {time.time():.2f} {time.perf_counter():.2f}")
    time.sleep(2)
    print(f"after block 2: {time.time():.2f}")


asyncio.run(main())
