"""a coroutine object does not run by itself

Seed 003 (A Journey from First Principles), "What Exactly Are Coroutines?".
`coro = my_coroutine()` creates a coroutine object without running it; the
seed then runs a second, fresh my_coroutine() with asyncio.run. A scenario's
top level is one asyncio.run, so main does the seed's top-level lines and
awaits the fresh coroutine. The first object is never run: CPython warns
"RuntimeWarning: coroutine 'my_coroutine' was never awaited" on stderr.
"""

import asyncio


async def my_coroutine():
    print("Starting coroutine")
    await asyncio.sleep(1)
    print("Resuming coroutine")
    return "Coroutine completed"


async def main():
    coro = my_coroutine()
    print(f"{type(coro)}")
    result = await my_coroutine()


asyncio.run(main())
