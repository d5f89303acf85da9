"""forgetting to await

Seed 002 (Module 01), 6.1 Forgetting to Await. `result = fetch()` only
creates a coroutine object; the seed prints it (`<coroutine object fetch at
0x...>`, an address that changes every run), so the scenario prints its type
instead. The object is never awaited: CPython warns "RuntimeWarning:
coroutine 'fetch' was never awaited" on stderr when it is discarded. The
correct form awaits it and prints "data".
"""

import asyncio


async def fetch():
    await asyncio.sleep(1)
    return "data"


async def main():
    result = fetch()
    print(f"{type(result)}")
    result = await fetch()
    print(f"{result}")


asyncio.run(main())
