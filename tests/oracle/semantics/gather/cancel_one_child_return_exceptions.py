"""a cancelled child appears as CancelledError with return_exceptions

Rule: with return_exceptions=True a cancelled child contributes a
CancelledError instance to the results instead of failing the gather.
"""

import asyncio


async def child(name, d):
    await asyncio.sleep(d)
    return name


async def main():
    victim = asyncio.create_task(child("victim", 5))
    other = asyncio.create_task(child("other", 2))
    await asyncio.sleep(0)
    victim.cancel(f"stop it")
    r = await asyncio.gather(victim, other, return_exceptions=True)
    print(f"{r}")
    print(f"{type(r[0]).__name__} {r[0].args}")


asyncio.run(main())
