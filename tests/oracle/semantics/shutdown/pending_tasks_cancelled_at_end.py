"""asyncio.run cancels tasks still pending when main returns

Rule: when main returns, asyncio.run cancels every remaining task (in
creation order) and runs the loop until they finish, so their
CancelledError handlers and finally blocks print after main's last line.
"""

import asyncio


async def background(name):
    try:
        print(f"{name} started")
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        print(f"{name} cancelled at shutdown")
        raise
    finally:
        print(f"{name} finally")


async def main():
    asyncio.create_task(background("bg1"))
    asyncio.create_task(background("bg2"))
    await asyncio.sleep(1)
    print(f"main returning")


asyncio.run(main())
