"""an exception in a to_thread function is raised at the await

Rule: if the function run by asyncio.to_thread raises, awaiting it raises
the same exception in the coroutine.
"""

import asyncio


def parse(s):
    return int(s)


async def main():
    try:
        await asyncio.to_thread(parse, "12x")
    except ValueError as e:
        print(f"ValueError: {e}")
    n = await asyncio.to_thread(parse, "12")
    print(f"parsed {n}")


asyncio.run(main())
