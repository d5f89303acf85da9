"""an uncaught custom exception from an awaited task ends the run

Rule: awaiting a failed task re-raises its exception in the awaiter;
uncaught in main it ends asyncio.run with status 1, the traceback's last
line naming the custom class and message.
"""

import asyncio


class AppError(Exception):
    pass


class ConfigError(AppError):
    pass


async def load():
    await asyncio.sleep(1)
    raise ConfigError("missing key 'port'")


async def main():
    t = asyncio.create_task(load())
    print(f"waiting")
    await t
    print(f"unreachable")


asyncio.run(main())
