"""block (time.sleep) delays every task

Rule: time.sleep blocks the whole loop; timers that fall due meanwhile
become overdue and fire only after the blocking step yields, in deadline
order, and the clock has moved by the blocked time.
"""

import asyncio
import time


async def sleeper(name, d):
    await asyncio.sleep(d)
    print(f"{name} woke at {time.time():.1f}")


async def blocker():
    await asyncio.sleep(0)
    print(f"blocking at {time.time():.1f}")
    time.sleep(3)
    print(f"unblocked at {time.time():.1f}")


async def main():
    await asyncio.gather(sleeper("late", 2), sleeper("early", 1), blocker())
    print(f"end at {time.time():.1f}")


asyncio.run(main())
