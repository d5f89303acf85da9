"""exception handling in async code

Seed 003 (A Journey from First Principles), "Exception Handling in Async
Code". Pattern 1 catches the exception of one awaited coroutine; pattern 2
uses gather(return_exceptions=True), so the failure of Task3 comes back as a
value in the results list instead of stopping the others.
"""

import asyncio


async def might_fail(name, should_fail=False):
    await asyncio.sleep(1)
    if should_fail:
        raise ValueError(f"Operation {name} failed!")
    return f"Success from {name}"


async def handle_exceptions():
    try:
        result = await might_fail("Task1", should_fail=True)
        print(f"{result}")
    except ValueError as e:
        print(f"Caught exception: {e}")
    results = await asyncio.gather(might_fail("Task2", should_fail=False), might_fail("Task3", should_fail=True), might_fail("Task4", should_fail=False), return_exceptions=True)
    print("Results from gather:")
    for i, result in enumerate(results):
        if isinstance(result, Exception):
            print(f"  Task {i+2}: Failed with {result}")
        else:
            print(f"  Task {i+2}: {result}")


asyncio.run(handle_exceptions())
