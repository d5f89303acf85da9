"""cancelling one gather child makes gather raise CancelledError

Rule: without return_exceptions, a cancelled child makes gather raise
CancelledError to its awaiter while the other children keep running.
"""

import asyncio
import time


async def child(name, d):
    await asyncio.sleep(d)
    print(f"{name} finished")
    return name


async def main():
    victim = asyncio.create_task(child("victim", 5))
    other = asyncio.create_task(child("other", 2))
    third = asyncio.create_task(child("third", 1))
    await asyncio.sleep(0.5)
    victim.cancel()
    try:
        r = await asyncio.gather(victim, other, third)
        print(f"results {r}")
    except asyncio.CancelledError:
        print(f"gather raised CancelledError at {time.time():.1f}")
    print(f"other done={other.done()} third done={third.done()}")
    v = await other
    print(f"other returned {v}")


asyncio.run(main())
