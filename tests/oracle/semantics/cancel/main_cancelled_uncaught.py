"""main cancelled by a task makes asyncio.run raise CancelledError

Rule: if the main task is cancelled and does not catch it, asyncio.run
raises CancelledError: main's finally prints, the process exits with
status 1, and the last stderr line is asyncio.exceptions.CancelledError.
"""

import asyncio


async def assassin(victim):
    await asyncio.sleep(1)
    print(f"cancelling main")
    victim.cancel()


async def main():
    asyncio.create_task(assassin(asyncio.current_task()))
    try:
        await asyncio.sleep(10)
        print(f"never")
    finally:
        print(f"main finally")


asyncio.run(main())
