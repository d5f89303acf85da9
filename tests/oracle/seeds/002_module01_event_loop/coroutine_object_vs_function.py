"""coroutine object vs coroutine function

Seed 002 (Module 01), 2.3 Coroutine Object vs Coroutine Function. greet is a
coroutine FUNCTION (type function); greet("World") only creates a coroutine
OBJECT, which must be awaited or run. The seed runs the object with
asyncio.run(coro) from top-level code; a scenario's top level is one
asyncio.run, so main does the seed's top-level lines and awaits the object
instead. Output matches the seed's comments.
"""

import asyncio


async def greet(name):
    return f"Hello, {name}!"


async def main():
    print(f"{type(greet)}")
    coro = greet("World")
    print(f"{type(coro)}")
    result = await coro
    print(f"{result}")


asyncio.run(main())
