"""pitfall 1 - forgetting await (the wrong way)

Seed 003 (A Journey from First Principles), "Pitfall 1: Forgetting await",
the first of the seed's two asyncio.run calls (the second is
pitfall_missing_await_right_way). `asyncio.sleep(1)` without await is just a
coroutine object: wrong_way prints its type and returns it at once, without
waiting. asyncio.run returns the object and the program drops it, so CPython
warns "RuntimeWarning: coroutine 'sleep' was never awaited" on stderr.
"""

import asyncio


async def wrong_way():
    result = asyncio.sleep(1)
    print(f"{type(result)}")
    return result


asyncio.run(wrong_way())
