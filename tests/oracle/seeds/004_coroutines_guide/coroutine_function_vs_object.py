"""coroutine function vs coroutine object

Seed 004 (Coroutines in Python Asyncio 🚀), 3. Coroutine Functions vs.
Coroutine Objects: the two snippets of the section (type of the function,
type of the object it returns) run in main. Calling my_coroutine() does not
start it, and nothing awaits the object here: CPython warns "RuntimeWarning:
coroutine 'my_coroutine' was never awaited" on stderr.
"""

import asyncio


async def my_coroutine():
    pass


async def main():
    print(f"{type(my_coroutine)}")
    coro_obj = my_coroutine()
    print(f"{type(coro_obj)}")


asyncio.run(main())
