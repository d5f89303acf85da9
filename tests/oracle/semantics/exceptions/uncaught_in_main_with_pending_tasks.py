"""an uncaught exception in main still cancels pending tasks before exiting 1

Rule: when main raises, asyncio.run first cancels the remaining tasks
and lets their handlers and finally blocks run, then re-raises main's
exception: the background task's cleanup prints, and the exit status
is 1 with "RuntimeError: main failed" last.
"""

import asyncio


async def background():
    try:
        await asyncio.sleep(100)
    finally:
        print(f"background cleanup")


async def main():
    asyncio.create_task(background())
    await asyncio.sleep(1)
    print(f"main raising")
    raise RuntimeError("main failed")


asyncio.run(main())
