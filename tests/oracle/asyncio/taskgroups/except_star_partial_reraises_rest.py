"""the unmatched part of a group propagates past except*

Rule: when except* handles only some exceptions of the group, a new
ExceptionGroup of the rest is raised from the try statement after the
handlers have run.
"""

import asyncio


async def fail(exc):
    await asyncio.sleep(1)
    raise exc


async def main():
    try:
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(fail(ValueError("handled")))
                tg.create_task(fail(KeyError("not handled")))
        except* ValueError as eg:
            print(f"handled {eg.exceptions}")
        print("not printed")
    except ExceptionGroup as rest:
        print(f"rest: {rest!r}")


asyncio.run(main())
