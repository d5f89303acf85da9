"""sync functions with defaults and keyword arguments

Rule: a plain function called from a coroutine runs immediately, with
defaults filled and keyword arguments matched by name, and returns
None when it ends without return.
"""

import asyncio


def greet(name, greeting=f"Hello", punct=f"!"):
    return f"{greeting}, {name}{punct}"


def noop():
    x = 1


async def main():
    print(f"{greet('Ann')} {greet('Bob', 'Hi')} {greet('Cy', punct='?')} {greet(punct='.', name='Di')}")
    print(f"{noop()!r}")


asyncio.run(main())
