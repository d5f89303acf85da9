"""break in finally discards the exception in flight

Rule: a break (or continue) in a finally block ends the finally
normally, so an exception raised in the try body is discarded.
"""

import asyncio


async def main():
    n = 0
    while True:
        n = n + 1
        try:
            print(f"iteration {n}")
            raise RuntimeError("dropped")
        finally:
            if n < 3:
                continue
            break
    print(f"loop ended after {n}, no exception")


asyncio.run(main())
