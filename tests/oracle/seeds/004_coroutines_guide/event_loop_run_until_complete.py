"""running a coroutine on the event loop

Seed 004 (Coroutines in Python Asyncio 🚀), 5. Understanding the Event Loop,
as the seed writes it with the legacy API: loop = asyncio.get_event_loop(),
loop.run_until_complete(say_hello()), loop.close(). The second line is "
World" with a leading space, exactly as the seed's code prints it. Output
matches the seed.
"""

import asyncio


async def say_hello():
    print("👋 Hello")
    await asyncio.sleep(1)
    print(" World")


loop = asyncio.get_event_loop()
loop.run_until_complete(say_hello())
loop.close()
