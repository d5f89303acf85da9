"""calling a coroutine without awaiting it

Seed 000 ("What Are Coroutines in Python?"), Part 7 - Common Mistakes:
`say_hello()` without await does NOT run, it only creates a coroutine
object; the correct form inside another coroutine is `await say_hello()`.
The seed writes the mistake at the top level; here it is inside main, next
to the correct form. The discarded coroutine object makes CPython print
"RuntimeWarning: coroutine 'say_hello' was never awaited" on stderr. The two
explanatory prints are added.
"""

import asyncio


async def say_hello():
    print("Hello")
    await asyncio.sleep(1)
    print("World")


async def main():
    print("say_hello() without await:")
    say_hello()
    print("await say_hello():")
    await say_hello()


asyncio.run(main())
