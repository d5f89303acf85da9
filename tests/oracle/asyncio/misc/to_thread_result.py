"""asyncio.to_thread runs a plain function and returns its value

Rule: await asyncio.to_thread(fn, *args) returns fn's return value; several
calls can be gathered and the results come back in argument order.
"""

import asyncio


def square_sum(n):
    return sum(i * i for i in range(n))


async def main():
    r = await asyncio.to_thread(square_sum, 10)
    print(f"to_thread gave {r}")
    rs = await asyncio.gather(asyncio.to_thread(square_sum, 3), asyncio.to_thread(square_sum, 4))
    print(f"gathered {rs}")


asyncio.run(main())
