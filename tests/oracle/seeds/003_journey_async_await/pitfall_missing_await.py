"""pitfall 1 - forgetting await

Seed 003 (A Journey from First Principles), "Pitfall 1: Forgetting await":
the seed's program, two asyncio.run calls. `asyncio.sleep(1)` without await
is just a coroutine object: wrong_way prints its type and returns it at
once, without waiting; the program drops it, so CPython warns
"RuntimeWarning: coroutine 'sleep' was never awaited" on stderr. With await,
right_way really takes one second before "Sleep completed".
"""

import asyncio


async def wrong_way():
    result = asyncio.sleep(1)
    print(f"{type(result)}")
    return result


async def right_way():
    await asyncio.sleep(1)
    print("Sleep completed")
    return "Success"


asyncio.run(wrong_way())
asyncio.run(right_way())
