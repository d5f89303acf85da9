"""a done-callback sees the task done, and runs before its awaiter resumes

Rule: when a done-callback runs, the task is already done with its
result set; callbacks run in the loop iteration after completion.
"""

import asyncio


def report(t):
    print(f"callback: {t.get_name()} done={t.done()} result={t.result()}")


async def job():
    await asyncio.sleep(1)
    print(f"job returning")
    return 99


async def main():
    t = asyncio.create_task(job())
    t.add_done_callback(report)
    v = await t
    print(f"main got {v}")


asyncio.run(main())
