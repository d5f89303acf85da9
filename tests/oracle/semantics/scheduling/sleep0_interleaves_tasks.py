"""sleep(0) interleaves ready tasks round-robin

Rule: sleep(0) yields for exactly one loop iteration; a task that yields
goes to the back of the FIFO ready queue, so three tasks each doing
print/sleep(0) three times interleave A B C A B C A B C.
"""

import asyncio


async def worker(name):
    for i in range(3):
        print(f"{name}{i}")
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(worker("A"), worker("B"), worker("C"))
    print(f"done")


asyncio.run(main())
