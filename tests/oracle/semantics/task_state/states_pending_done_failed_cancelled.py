"""done/cancelled/result/exception across task states

Rule: a pending task is not done; a finished task has result() and
exception() None; a failed task's exception() returns it and result()
raises it; a cancelled task is done and cancelled, and both result()
and exception() raise CancelledError.
"""

import asyncio


async def ok():
    return "value"


async def bad():
    raise KeyError("missing")


async def slow():
    await asyncio.sleep(10)


async def main():
    a = asyncio.create_task(ok())
    b = asyncio.create_task(bad())
    c = asyncio.create_task(slow())
    print(f"before running: {a.done()} {b.done()} {c.done()}")
    await asyncio.sleep(0)
    c.cancel()
    await asyncio.sleep(0)
    print(f"ok: done={a.done()} cancelled={a.cancelled()} result={a.result()!r} exception={a.exception()}")
    print(f"bad: done={b.done()} cancelled={b.cancelled()} exception={b.exception()!r}")
    try:
        b.result()
    except KeyError as e:
        print(f"bad.result() raised {e!r}")
    print(f"slow: done={c.done()} cancelled={c.cancelled()}")
    try:
        c.result()
    except asyncio.CancelledError:
        print(f"slow.result() raised CancelledError")
    try:
        c.exception()
    except asyncio.CancelledError:
        print(f"slow.exception() raised CancelledError")


asyncio.run(main())
