"""add_done_callback on a task

Rule: a task is a future: its done callbacks run after it finishes,
receiving the task, before tasks that await it with a later registration.
"""

import asyncio


def report(t):
    if t.cancelled():
        print(f"{t.get_name()} was cancelled")
    else:
        print(f"{t.get_name()} finished with {t.result()}")


async def job(d):
    await asyncio.sleep(d)
    return d * 2


async def main():
    a = asyncio.create_task(job(1), name="one")
    b = asyncio.create_task(job(5), name="five")
    a.add_done_callback(report)
    b.add_done_callback(report)
    await a
    print("main resumed after a")
    b.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)


asyncio.run(main())
