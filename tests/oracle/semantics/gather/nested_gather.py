"""nested gathers flatten in argument order

Rule: a gather inside a gather is just another awaitable; its child
tasks are created when the inner gather is called (before the outer
gather's own tasks for later arguments), and results nest.
"""

import asyncio


async def leaf(x):
    print(f"leaf {x} in {asyncio.current_task().get_name()}")
    await asyncio.sleep(x / 10)
    return x


async def main():
    r = await asyncio.gather(leaf(1), asyncio.gather(leaf(2), leaf(3)), leaf(4))
    print(f"{r}")


asyncio.run(main())
