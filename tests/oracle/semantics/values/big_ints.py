"""integers are arbitrary precision

Rule: Python ints never overflow: 2 ** 64, 10 ** 20, factorial-sized
products and their arithmetic print in full.
"""

import asyncio


async def main():
    big = 2 ** 64
    print(f"{big} {big - 1} {-big} {10 ** 20} {2 ** 100}")
    p = 1
    for i in range(1, 26):
        p = p * i
    print(f"25! = {p} digits={len(str(p))} {p // 10 ** 20} {p % 1000003}")


asyncio.run(main())
