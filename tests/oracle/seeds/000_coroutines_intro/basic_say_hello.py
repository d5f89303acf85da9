"""basic coroutine

Seed 000 ("What Are Coroutines in Python?"), Part 1 - Basic Coroutine
Example. say_hello prints "Hello", pauses for one second at `await
asyncio.sleep(1)` without blocking the program, then resumes and prints
"World". Output matches the seed.
"""

import asyncio


async def say_hello():
    print("Hello")
    await asyncio.sleep(1)
    print("World")


asyncio.run(say_hello())
