"""the gather waiter resumes after the last child, one iteration later

Rule: gather's outer future completes in the last child's done-callback;
the awaiting task then wakes via its own callback on the next iteration,
so a sibling task that is ready meanwhile prints before main resumes.
"""

import asyncio


async def child(n):
    for i in range(n):
        await asyncio.sleep(0)
    print(f"child {n} done")


async def bystander():
    for i in range(6):
        print(f"bystander {i}")
        await asyncio.sleep(0)


async def main():
    b = asyncio.create_task(bystander())
    await asyncio.gather(child(1), child(2))
    print(f"main resumed after gather")
    await b


asyncio.run(main())
