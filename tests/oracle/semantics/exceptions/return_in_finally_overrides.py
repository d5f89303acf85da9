"""return in finally overrides the try's return and swallows its exception

Rule: a return in finally replaces the value returned by the try body,
and discards an exception in flight.
"""

import asyncio


async def override_value():
    try:
        return 1
    finally:
        return 2


async def swallow():
    try:
        raise ValueError("lost")
    finally:
        print(f"finally returns")
        return f"swallowed"


async def main():
    a = await override_value()
    print(f"override_value -> {a}")
    b = await swallow()
    print(f"swallow -> {b}")


asyncio.run(main())
