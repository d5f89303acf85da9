"""the fix - await instead of asyncio.run

Seed 001 (README), "asyncio.run() CANNOT Be Called Inside an Existing Event
Loop" (4️⃣), the fix: inside a running loop (an async function, a Jupyter
cell) use `await task()` instead of asyncio.run(task()).
"""

import asyncio


async def task():
    print("Running inside an event loop")


async def main():
    await task()


asyncio.run(main())
