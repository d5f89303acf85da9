"""async with awaits __aenter__ and __aexit__ around the body

Rule: __aenter__ runs and its return value is bound by `as`; the body
runs; __aexit__ runs on normal exit with (None, None, None) and on an
exception with its type and value; a falsy return re-raises it.
"""

import asyncio


class Resource:
    name = None

    def __init__(self, name):
        self.name = name

    async def __aenter__(self):
        print(f"enter {self.name}")
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, et, ev, tb):
        print(f"exit {self.name}: {et.__name__ if et else None} {ev!r}")
        return False


async def main():
    async with Resource("a") as r:
        print(f"body with {r.name}")
    try:
        async with Resource("b"):
            print(f"body raising")
            raise ValueError("in body")
    except ValueError as e:
        print(f"propagated {e!r}")


asyncio.run(main())
