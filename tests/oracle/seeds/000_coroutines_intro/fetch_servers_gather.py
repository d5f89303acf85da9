"""fetching from several servers concurrently

Seed 000 ("What Are Coroutines in Python?"), Part 5 - A More Real-Life
Example (network delay simulated with sleep, as in the seed). The three
fetches run concurrently and the whole run takes one second. Differs from
the seed's printed output: the seed shows the fetches finishing in the order
server2, server3, server1; CPython finishes equal one-second sleeps in the
order they started (server1, server2, server3).
"""

import asyncio


async def fetch(server):
    print(f"Fetching from {server}...")
    await asyncio.sleep(1)
    print(f"Done fetching from {server}")
    return f"Data from {server}"


async def main():
    servers = ["server1", "server2", "server3"]
    results = await asyncio.gather(*(fetch(s) for s in servers))
    print(f"Results: {results}")


asyncio.run(main())
