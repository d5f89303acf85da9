"""what async does

Seed 003 (A Journey from First Principles), "The async Keyword": greet is a
function (a special one), and calling it returns a coroutine object instead
of running it. The seed's top-level lines run in main here. The object is
never awaited: CPython warns "RuntimeWarning: coroutine 'greet' was never
awaited" on stderr.
"""

import asyncio


async def greet(name):
    return f"Hello, {name}!"


async def main():
    print(f"{type(greet)}")
    coro = greet("Alice")
    print(f"{type(coro)}")


asyncio.run(main())
