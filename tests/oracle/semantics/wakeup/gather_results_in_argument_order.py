"""gather returns results in argument order, not completion order

Rule: children finish in deadline order (printed as they finish), but
gather's result list follows the order of its arguments.
"""

import asyncio


async def job(name, d):
    await asyncio.sleep(d)
    print(f"{name} finished")
    return name.upper()


async def main():
    results = await asyncio.gather(job("slow", 3), job("fast", 1), job("mid", 2))
    print(f"{results}")


asyncio.run(main())
