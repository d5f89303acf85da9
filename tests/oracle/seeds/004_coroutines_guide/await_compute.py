"""using await with coroutines

Seed 004 (Coroutines in Python Asyncio 🚀), 4. Using await with Coroutines:
main is suspended until compute returns. Output matches the seed.
"""

import asyncio


async def compute():
    return 21 * 2


async def main():
    result = await compute()
    print(f"The answer is {result}")


asyncio.run(main())
