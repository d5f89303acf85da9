"""a good use of async - many network requests

Seed 003 (A Journey from First Principles), "When to Use Async/Await",
good_async_example, with the network modelled: the seed sends ten aiohttp
requests to https://api.example.com/data/0..9 (a placeholder host) with
fetch_url from the web-scraping example. Here each request is modelled as
taking an invented 0.5 s and returning an invented 64-character body. The
seed returns the results without printing them; main is added to print them
and the total time: ten overlapping requests take 0.5 s, not 5 s.
"""

import asyncio
import time


async def http_get(url, duration, size):
    await asyncio.sleep(duration)
    return "x" * size


async def fetch_url(url, duration, size):
    try:
        content = await http_get(url, duration, size)
        return f"URL {url}: {len(content)} characters"
    except Exception as e:
        return f"URL {url}: Error - {str(e)}"


async def good_async_example():
    tasks = [fetch_url(f"https://api.example.com/data/{i}", 0.5, 64) for i in range(10)]
    results = await asyncio.gather(*tasks)
    return results


async def main():
    start = time.time()
    results = await good_async_example()
    for result in results:
        print(f"{result}")
    print(f"Total time: {time.time() - start:.2f} seconds")


asyncio.run(main())
