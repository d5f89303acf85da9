"""the main expression can pass arguments

Rule: the top-level `main` key is the expression given to asyncio.run,
so main can be any coroutine call with arguments.
"""

import asyncio
import time


async def run(n, label=f"x"):
    for i in range(n):
        print(f"{label}{i}")
        await asyncio.sleep(0.5)
    print(f"done at {time.time():.1f}")


asyncio.run(run(3, label="step "))
