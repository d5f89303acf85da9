"""what await does

Seed 003 (A Journey from First Principles), "The await Keyword": main pauses
at the await until slow_operation completes, then resumes with its result.
"""

import asyncio


async def slow_operation():
    print("Starting slow operation")
    await asyncio.sleep(2)
    print("Slow operation complete")
    return "Operation result"


async def main():
    print("Before await")
    result = await slow_operation()
    print(f"After await: {result}")


asyncio.run(main())
