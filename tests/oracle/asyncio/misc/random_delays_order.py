"""tasks with seeded random delays finish in a reproducible order

Rule: the delays are drawn in task-start order from the seeded generator, so
the finishing order is the same on every run.
"""

import asyncio
import random
import time


async def job(name):
    d = random.uniform(0, 3)
    print(f"{name} sleeps {d:.3f}")
    await asyncio.sleep(d)
    print(f"{name} done at {time.time():.3f}")
    return name


async def main():
    r = await asyncio.gather(*list(job(f"job{i}") for i in range(4)))
    print(f"{r}")


random.seed(7)
asyncio.run(main())
