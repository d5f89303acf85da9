"""asyncio.run inside a running event loop (error)

Seed 001 (README), "asyncio.run() CANNOT Be Called Inside an Existing Event
Loop" (4️⃣): the error the seed describes. main plays the part of the loop
that is already running (a Jupyter cell, a nested async function) and calls
asyncio.run(task()) from inside it. CPython raises RuntimeError:
asyncio.run() cannot be called from a running event loop (uncaught: exit
status 1), and task() is never awaited, so CPython also warns
"RuntimeWarning: coroutine 'task' was never awaited". The first print is
added.
"""

import asyncio


async def task():
    print("Running inside an event loop")


async def main():
    print("Calling asyncio.run() while an event loop is running...")
    asyncio.run(task())


asyncio.run(main())
