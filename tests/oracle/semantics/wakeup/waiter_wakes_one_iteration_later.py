"""a waiter wakes one loop iteration after the awaited task finishes

Rule: a finished task schedules its done-callbacks with call_soon, and
the waiter's wake-up is such a callback; a task never wakes inline. A
ticker that prints every iteration shows main resuming one iteration
after the child's last line, after the tick queued in between.
"""

import asyncio


async def child():
    await asyncio.sleep(0)
    print(f"child finishing")


async def ticker():
    for i in range(4):
        print(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    tk = asyncio.create_task(ticker())
    c = asyncio.create_task(child())
    await c
    print(f"main resumed")
    await tk


asyncio.run(main())
