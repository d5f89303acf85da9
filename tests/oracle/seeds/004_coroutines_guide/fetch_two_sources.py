"""fetching data from two sources

Seed 004 (Coroutines in Python Asyncio 🚀), 7. Putting It All Together -
Fetching Data Asynchronously. Two tasks fetch concurrently (2 s and 3 s);
gather returns their results in order. Output matches the seed.
"""

import asyncio


async def fetch_data(source, delay):
    print(f"📥 Fetching data from {source}")
    await asyncio.sleep(delay)
    data = f"Data from {source}"
    print(f"✅ Finished fetching from {source}")
    return data


async def main():
    task1 = asyncio.create_task(fetch_data("Source 1", 2))
    task2 = asyncio.create_task(fetch_data("Source 2", 3))
    results = await asyncio.gather(task1, task2)
    print("📊 Results:")
    for result in results:
        print(f"{result}")


asyncio.run(main())
