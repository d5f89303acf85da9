"""synchronous fetching blocks the program

Seed 003 (A Journey from First Principles), "Understanding Synchronous vs
Asynchronous Execution". The seed is a plain synchronous script; a scenario
always runs inside asyncio.run, so the sequential part is main, and
fetch_data_sync stays a plain (sync) function whose `block` step is the
seed's time.sleep(delay). Each call freezes the program: 2 + 3 + 1 = 6
seconds ("about 6 seconds" in the seed, exactly 6.00 on the virtual clock).
"""

import asyncio
import time


def fetch_data_sync(name, delay):
    print(f"Starting to fetch {name}")
    time.sleep(delay)
    print(f"Finished fetching {name}")
    return f"Data from {name}"


async def main():
    start_time = time.time()
    result1 = fetch_data_sync("Database", 2)
    result2 = fetch_data_sync("API", 3)
    result3 = fetch_data_sync("File", 1)
    total_time = time.time() - start_time
    print(f"Total time: {total_time:.2f} seconds")


asyncio.run(main())
