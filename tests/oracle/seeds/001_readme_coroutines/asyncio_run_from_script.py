"""asyncio.run in a plain script

Seed 001 (README), "asyncio.run() CANNOT Be Called Inside an Existing Event
Loop" (4️⃣), the seed's program as written. The seed marks
`asyncio.run(task())` as an error, but that error only happens when an event
loop is already running (Jupyter, or inside a coroutine: see
asyncio_run_inside_running_loop). Run as a script, as here, it works and
prints its line.
"""

import asyncio


async def task():
    print("Running inside an event loop")


asyncio.run(task())
