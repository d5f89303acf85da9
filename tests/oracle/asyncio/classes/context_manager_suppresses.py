"""an async context manager whose __aexit__ returns True suppresses the exception

Rule: when the body raises, __aexit__ gets the exception type and value;
returning True swallows it and execution continues after the block;
returning a false value lets it propagate.
"""

import asyncio
import time


class Guard:
    label = None

    def __init__(self, label, swallow):
        self.label = label
        self.swallow = swallow

    async def __aenter__(self):
        print(f"enter {self.label}")
        return self

    async def __aexit__(self, exc_type, exc, tb):
        await asyncio.sleep(0.5)
        print(f"exit {self.label}: {exc_type.__name__ if exc_type else None} {exc!r}, swallow={self.swallow}")
        return self.swallow


async def main():
    async with Guard("quiet", True):
        raise KeyError("lost")
    print(f"after quiet block at {time.time():.1f}")
    try:
        async with Guard("loud", False) as g:
            print(f"inside {g.label}")
            raise KeyError("kept")
    except KeyError as e:
        print(f"propagated {e!r}")


asyncio.run(main())
