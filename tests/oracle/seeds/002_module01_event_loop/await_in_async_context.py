"""running a coroutine from the async context

Seed 002 (Module 01), 4.3 Cannot Await in Regular Functions: a regular
function "must use asyncio.run() or be in async context". The seed's
regular_function returns asyncio.run(async_work()) from sync code; a
scenario's top level is that asyncio.run call (the `main` key), so the
runnable form is an async context: main awaits async_work() and prints the
result regular_function would return (added print).
"""

import asyncio


async def async_work():
    await asyncio.sleep(1)
    return "done"


async def main():
    result = await async_work()
    print(f"result = {result!r}")


asyncio.run(main())
