"""asyncio debug mode

Seed 002 (Module 01), 7.1 Enable Debug Mode: asyncio.run(main(),
debug=True), here `options: {debug: true}`. The seed does not give main;
this one blocks the loop for half a second with time.sleep, which debug mode
reports on stderr as a slow callback ("Executing <Task ...> took 0.500
seconds").
"""

import asyncio
import time


async def main():
    print("Blocking the event loop for 0.5 s...")
    time.sleep(0.5)
    await asyncio.sleep(0.1)
    print("Done (debug mode logged the slow step on stderr)")


asyncio.run(main(), debug=True)
