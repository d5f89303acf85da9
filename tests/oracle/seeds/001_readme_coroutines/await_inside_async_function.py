"""await inside an async function

Seed 001 (README), "Difference Between await and asyncio.run()" - 1️⃣ Using
await correctly: await is allowed because main is an async def;
asyncio.run(main()) runs it from sync code.
"""

import asyncio


async def say_hello():
    await asyncio.sleep(2)
    print("Hello, Async!")


async def main():
    await say_hello()


asyncio.run(main())
