"""regular function vs coroutine function

Seed 002 (Module 01), 2.1 Definition: a regular function runs from start to
end, a coroutine can pause at await. The seed only defines the two; main is
added to call the first and await the second and print what each returns.
"""

import asyncio


def regular_function():
    print("Start")
    print("End")
    return "Done"


async def coroutine_function():
    print("Start")
    await asyncio.sleep(1)
    print("End")
    return "Done"


async def main():
    result = regular_function()
    print(f"regular_function() returned {result!r}")
    result = await coroutine_function()
    print(f"coroutine_function() returned {result!r}")


asyncio.run(main())
