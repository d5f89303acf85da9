"""asyncio.run from top-level code

Seed 001 (README), "Difference Between await and asyncio.run()" - 3️⃣ Using
asyncio.run() correctly: asyncio.run creates the event loop and runs the
coroutine from sync code; `main` is exactly that expression.
"""

import asyncio


async def say_hello():
    await asyncio.sleep(2)
    print("Hello, Async!")


asyncio.run(say_hello())
