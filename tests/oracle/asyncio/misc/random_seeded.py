"""random with a fixed seed gives CPython's exact sequence

Rule: options.seed calls random.seed(42) before the program starts;
random.random(), random.randint() and random.uniform() then give the same
values as CPython's Mersenne Twister.
"""

import asyncio
import random


async def main():
    print(f"random: {random.random()}")
    print(f"randint: {list(random.randint(1, 6) for _ in range(10))}")
    print(f"uniform: {random.uniform(0, 1)}")
    print(f"uniform 2..5: {random.uniform(2, 5):.6f}")


random.seed(42)
asyncio.run(main())
