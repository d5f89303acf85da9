"""exceptions print by repr and str as Python does

Rule: repr of an exception is Class(args...) with args by repr; str is
the single argument's str, '' with no args, the args tuple with
several; KeyError's str is the repr of its key.
"""

import asyncio


class AppError(Exception):
    pass


async def main():
    errs = [ValueError("boom"), ValueError(), ValueError("a", 2), KeyError("k"), KeyError(3), AppError("it's"), RuntimeError(ValueError("inner")), TypeError(None)]
    for e in errs:
        print(f"repr={e!r} str=[{e}] args={e.args}")
    print(f"{errs[:2]}")


asyncio.run(main())
