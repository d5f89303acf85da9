"""main's return happens before pending tasks are cleaned up

Rule: main's task completes first (its finally runs at return), then
the remaining tasks are cancelled; a task blocked on awaiting another
pending task is cancelled along with it.
"""

import asyncio


async def forever():
    try:
        await asyncio.sleep(1000)
    finally:
        print(f"forever finally")


async def waiter(t):
    try:
        await t
    finally:
        print(f"waiter finally")


async def main():
    f = asyncio.create_task(forever())
    asyncio.create_task(waiter(f))
    try:
        await asyncio.sleep(1)
        return 3
    finally:
        print(f"main finally")


asyncio.run(main())
