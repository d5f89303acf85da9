"""cancel() returns False on a task that is already done

Rule: cancel() returns True when the task was pending (even if it later
refuses), and False once the task is done — finished, failed or already
cancelled; cancelling a done task changes nothing.
"""

import asyncio


async def ok():
    return 1


async def fails():
    raise ValueError("x")


async def sleeper():
    await asyncio.sleep(5)


async def main():
    a = asyncio.create_task(ok())
    b = asyncio.create_task(fails())
    c = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    ra = a.cancel()
    rb = b.cancel()
    rc = c.cancel()
    print(f"finished: {ra}, failed: {rb}, pending: {rc}")
    await asyncio.sleep(0)
    rc2 = c.cancel()
    print(f"already cancelled: {rc2}")
    print(f"a={a.result()} b={b.exception()!r} c.cancelled={c.cancelled()}")


asyncio.run(main())
