"""say hello

Seed 001 (README), "What is Coroutine?" - Example: the simplest coroutine,
run with asyncio.run. The seed shows no output; CPython prints Hello, then
World one second later.
"""

import asyncio


async def say_hello():
    print("Hello")
    await asyncio.sleep(1)
    print("World")


asyncio.run(say_hello())
