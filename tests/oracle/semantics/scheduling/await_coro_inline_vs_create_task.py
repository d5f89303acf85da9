"""await coro() runs inline, create_task runs later

Rule: `await coro()` runs the coroutine body inline in the awaiting task
(no new task, no loop iteration), so its print appears before anything
else can run; create_task only schedules the first step, so a
previously created task's print comes after the inline call's prints.
"""

import asyncio


async def job(name):
    print(f"{name} body")
    return name


async def main():
    t = asyncio.create_task(job("background"))
    r = await job("inline")
    print(f"inline returned {r}, background done={t.done()}")
    await asyncio.sleep(0)
    print(f"after sleep(0), background done={t.done()}")


asyncio.run(main())
