"""async def can return a value

Seed 004 (Coroutines in Python Asyncio 🚀), 2. The async def Syntax: a
coroutine function can return a value like a regular function. The seed only
defines my_coroutine; main is added to await it and print the value.
"""

import asyncio


async def my_coroutine():
    return 42


async def main():
    result = await my_coroutine()
    print(f"my_coroutine() returned {result}")


asyncio.run(main())
