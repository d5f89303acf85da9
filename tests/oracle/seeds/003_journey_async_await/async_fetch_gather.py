"""asynchronous fetching with gather

Seed 003 (A Journey from First Principles), "Enter Asynchronous
Programming". The three fetches run concurrently: 3 seconds (the longest)
instead of 6. Note: the seed's snippet uses time.time() but imports only
asyncio (it relies on the previous example's `import time`); the scenario's
Python has the import.
"""

import asyncio
import time


async def fetch_data_async(name, delay):
    print(f"Starting to fetch {name}")
    await asyncio.sleep(delay)
    print(f"Finished fetching {name}")
    return f"Data from {name}"


async def main():
    start_time = time.time()
    results = await asyncio.gather(fetch_data_async("Database", 2), fetch_data_async("API", 3), fetch_data_async("File", 1))
    total_time = time.time() - start_time
    print(f"Results: {results}")
    print(f"Total time: {total_time:.2f} seconds")


asyncio.run(main())
