"""pitfall 2 - time.sleep in async code (bad example)

Seed 003 (A Journey from First Principles), "Pitfall 2: Using time.sleep()
in Async Code", bad_example. The seed defines it without running it; main is
added to run it and print how long it took. blocking_sleep freezes the loop,
so non_blocking_sleep cannot even start until it is done: 2 + 2 = 4 seconds.
Compare pitfall_time_sleep_good_example.
"""

import asyncio
import time


async def blocking_sleep():
    print("Starting blocking sleep")
    time.sleep(2)
    print("Blocking sleep done")


async def non_blocking_sleep():
    print("Starting non-blocking sleep")
    await asyncio.sleep(2)
    print("Non-blocking sleep done")


async def bad_example():
    await asyncio.gather(blocking_sleep(), non_blocking_sleep())


async def main():
    start = time.time()
    await bad_example()
    print(f"bad_example took {time.time() - start:.1f}s")


asyncio.run(main())
