"""synchronous code waits for each fetch in turn

Seed 002 (Module 01), 1.1 The Problem with Synchronous Code. The seed is a
plain synchronous script; a scenario always runs inside asyncio.run, so here
the sequential part is main, and fetch_data stays a plain (sync) function
whose `block` step is the seed's time.sleep(2). Nothing else runs meanwhile,
so the three fetches take 2 + 2 + 2 seconds, as in the seed ("~6s"; the
virtual clock makes it exactly 6.0s).
"""

import asyncio
import time


def fetch_data(url):
    print(f"Fetching {url}...")
    time.sleep(2)
    return f"Data from {url}"


async def main():
    start = time.time()
    result1 = fetch_data("url1")
    result2 = fetch_data("url2")
    result3 = fetch_data("url3")
    print(f"Total: {time.time() - start:.1f}s")


asyncio.run(main())
