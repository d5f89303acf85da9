"""a poor use of async - CPU-bound work

Seed 003 (A Journey from First Principles), "When to Use Async/Await",
poor_async_example: recursive Fibonacci inside a coroutine is still
synchronous work, with no await where another coroutine could run. The seed
defines calculate_fibonacci inside the coroutine; here it is a top-level
plain function (`functions:`). The seed computes calculate_fibonacci(35)
(about 30 million calls, 9227465); the scenario uses 25 (75025) to keep the
golden test fast, which does not change the point. The seed returns the
result without printing it; main is added to print it.
"""

import asyncio


def calculate_fibonacci(n):
    if n <= 1:
        return n
    return calculate_fibonacci(n-1) + calculate_fibonacci(n-2)


async def poor_async_example():
    result = calculate_fibonacci(25)
    return result


async def main():
    result = await poor_async_example()
    print(f"calculate_fibonacci(25) = {result}")


asyncio.run(main())
