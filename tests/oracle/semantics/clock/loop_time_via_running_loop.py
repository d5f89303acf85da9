"""loop.time() of the running loop follows the virtual clock

Rule: asyncio.get_running_loop().time() reads the same virtual clock as
time.time(): 0.0 at the start, moved by every sleep and block.
"""

import asyncio
import time


async def main():
    loop = asyncio.get_running_loop()
    print(f"t0 {loop.time():.2f}")
    await asyncio.sleep(2)
    print(f"t1 {loop.time():.2f} {time.time():.2f}")
    time.sleep(0.5)
    print(f"t2 {loop.time():.2f}")


asyncio.run(main())
