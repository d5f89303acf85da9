"""blocking vs non-blocking sleep

Seed 002 (Module 01), 6.2 Blocking in Async Code. The seed only defines
bad_async (time.sleep(5): no other coroutine can run) and good_async (await
asyncio.sleep(5): other coroutines run meanwhile). main is added to run each
twice with gather and print how long it took: 10 s for two blocking sleeps,
5 s for two non-blocking ones.
"""

import asyncio
import time


async def bad_async():
    time.sleep(5)
    return "done"


async def good_async():
    await asyncio.sleep(5)
    return "done"


async def main():
    start = time.time()
    results = await asyncio.gather(bad_async(), bad_async())
    print(f"2 x bad_async: {results} after {time.time() - start:.1f}s")
    start = time.time()
    results = await asyncio.gather(good_async(), good_async())
    print(f"2 x good_async: {results} after {time.time() - start:.1f}s")


asyncio.run(main())
