"""a future resolved by another task after a delay

Rule: the awaiting task resumes in the iteration after set_result, at the
loop time the producer set it.
"""

import asyncio
import time


async def producer(fut):
    await asyncio.sleep(2)
    print(f"producer sets the result at {time.time():.1f}")
    fut.set_result(dict(answer=42))
    print("producer continues")


async def main():
    fut = asyncio.get_running_loop().create_future()
    asyncio.create_task(producer(fut))
    print("main awaits the future")
    v = await fut
    print(f"main got {v} at {time.time():.1f}")


asyncio.run(main())
