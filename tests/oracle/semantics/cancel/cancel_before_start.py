"""a task cancelled before it starts never runs its body

Rule: cancelling a task whose first step has not run yet makes that step
throw CancelledError into the coroutine before its first line, so not
even a try/finally at the top runs; the task ends cancelled.
"""

import asyncio


async def body():
    try:
        print(f"body started")
    finally:
        print(f"body finally")


async def main():
    t = asyncio.create_task(body())
    r = t.cancel()
    print(f"cancel() -> {r}, cancelled yet? {t.cancelled()}")
    try:
        await t
    except asyncio.CancelledError as e:
        print(f"awaiting gave {e!r}")
    print(f"done={t.done()} cancelled={t.cancelled()}")


asyncio.run(main())
