"""gather of nothing returns an empty list

Rule: gather() with no awaitables returns a finished future holding [];
awaiting a done future does not suspend, so a ready task does not run
in between.
"""

import asyncio


async def other():
    print(f"other runs")


async def main():
    asyncio.create_task(other())
    r = await asyncio.gather()
    print(f"empty gather gave {r}")
    await asyncio.sleep(0)
    print(f"end")


asyncio.run(main())
