"""an uncaught exception in main exits with status 1

Rule: an exception escaping main propagates out of asyncio.run after
main's finally runs; output printed before it stays, and the process
exits with status 1, the last stderr line being "ValueError: boom".
"""

import asyncio


async def main():
    print(f"before")
    try:
        await asyncio.sleep(1)
        raise ValueError("boom")
    finally:
        print(f"main finally")


asyncio.run(main())
