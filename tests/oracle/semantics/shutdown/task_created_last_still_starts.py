"""a task created in main's last step still starts before shutdown

Rule: the new task's first step is queued with call_soon before main's
completion callback stops the loop, so it runs (printing its first
line) before asyncio.run cancels the remaining tasks; then both tasks
are cancelled in creation order and run their finally blocks.
"""

import asyncio


async def job(name):
    try:
        print(f"{name} body")
        await asyncio.sleep(10)
    finally:
        print(f"{name} finally")


async def main():
    asyncio.create_task(job("first"))
    await asyncio.sleep(0)
    asyncio.create_task(job("created last"))
    print(f"main returning")


asyncio.run(main())
