"""coroutine lifecycle

Seed 000 ("What Are Coroutines in Python?"), Part 6 - Coroutine Lifecycle.
The seed's fragment is `coro = say_hello()` (created: nothing runs yet) then
`asyncio.run(coro)` (scheduled, running, paused at the await, resumed,
finished), with say_hello from Part 1. A scenario's top level is one
asyncio.run, so here main creates the coroutine object and then awaits it;
the "Created"/"Finished" lines are added to make the stages visible.
"""

import asyncio


async def say_hello():
    print("Hello")
    await asyncio.sleep(1)
    print("World")


async def main():
    coro = say_hello()
    print(f"Created {type(coro)}, nothing has run yet")
    await coro
    print("Finished")


asyncio.run(main())
