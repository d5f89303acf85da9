"""an uncaught TimeoutError from wait_for ends the program with status 1

Rule: the TimeoutError wait_for raises propagates out of main and
asyncio.run like any exception; the process exits with status 1 and the last
stderr line is "TimeoutError".
"""

import asyncio


async def slow():
    await asyncio.sleep(10)


async def main():
    print("waiting")
    await asyncio.wait_for(slow(), timeout=2)
    print("not printed")


asyncio.run(main())
