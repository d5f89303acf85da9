"""pitfall 2 - time.sleep in async code (good example)

Seed 003 (A Journey from First Principles), "Pitfall 2: Using time.sleep()
in Async Code", good_example. The seed defines it without running it; main
is added to run it and print how long it took. Both sleeps overlap: 2
seconds in all. Compare pitfall_time_sleep_bad_example.
"""

import asyncio
import time


async def non_blocking_sleep():
    print("Starting non-blocking sleep")
    await asyncio.sleep(2)
    print("Non-blocking sleep done")


async def good_example():
    await asyncio.gather(non_blocking_sleep(), non_blocking_sleep())


async def main():
    start = time.time()
    await good_example()
    print(f"good_example took {time.time() - start:.1f}s")


asyncio.run(main())
