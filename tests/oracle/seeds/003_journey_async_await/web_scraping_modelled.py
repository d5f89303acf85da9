"""web scraping, modelled with sleeps

Seed 003 (A Journey from First Principles), "Practical Example: Web
Scraping", with the network modelled: the seed fetches four httpbin.org URLs
with aiohttp. A scenario does no real I/O, so `async with session.get(url)
as response: await response.text()` becomes http_get, which sleeps for the
request's duration and returns a body of a given size. Durations are the
ones the URLs state (httpbin.org/delay/1 = 1 s, /delay/2 = 2 s) and an
invented 0.3 s for /json; the body sizes (356, 356, 356 and 429 characters)
are invented too, plausible for httpbin's JSON replies. The
aiohttp.ClientSession (a connection pool) has no counterpart and is left
out. As the seed says, the four requests overlap and the run takes about 2
seconds (exactly 2.00 here).
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


async def fetch_multiple_urls():
    urls = [["https://httpbin.org/delay/1", 1, 356], ["https://httpbin.org/delay/2", 2, 356], ["https://httpbin.org/delay/1", 1, 356], ["https://httpbin.org/json", 0.3, 429]]
    start_time = time.time()
    tasks = [fetch_url(url, duration, size) for url, duration, size in urls]
    results = await asyncio.gather(*tasks)
    total_time = time.time() - start_time
    print("Results:")
    for result in results:
        print(f"  {result}")
    print(f"Total time: {total_time:.2f} seconds")


asyncio.run(fetch_multiple_urls())
