"""wait_for passes on the awaitable's own exception

Rule: if the awaitable raises before the timeout, wait_for raises that
exception, not TimeoutError.
"""

import asyncio
import time


async def fails():
    await asyncio.sleep(1)
    raise LookupError("missing")


async def main():
    try:
        await asyncio.wait_for(fails(), timeout=5)
    except TimeoutError:
        print("TimeoutError (not printed)")
    except LookupError as e:
        print(f"LookupError {e} at {time.time():.1f}")


asyncio.run(main())
