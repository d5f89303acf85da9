"""pitfall 1 - forgetting await (the right way)

Seed 003 (A Journey from First Principles), "Pitfall 1: Forgetting await",
the second of the seed's two asyncio.run calls (the first is
pitfall_missing_await_wrong_way): with await, the sleep really takes one
second before "Sleep completed".
"""

import asyncio


async def right_way():
    await asyncio.sleep(1)
    print("Sleep completed")
    return "Success"


asyncio.run(right_way())
