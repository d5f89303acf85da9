"""gather with return_exceptions puts exceptions in the result list

Rule: with return_exceptions=True a failing child's exception object
takes its place in the results (in argument order) and gather waits for
all children; the list prints the exceptions by repr.
"""

import asyncio


class AppError(Exception):
    pass


async def job(i):
    await asyncio.sleep(3 - i)
    if i % 2 == 1:
        raise AppError(f"job {i}", i)
    print(f"job {i} ok")
    return i * 10


async def main():
    results = await asyncio.gather(*list(job(i) for i in range(4)), return_exceptions=True)
    print(f"{results}")
    for r in results:
        print(f"{type(r).__name__}: {r}")


asyncio.run(main())
