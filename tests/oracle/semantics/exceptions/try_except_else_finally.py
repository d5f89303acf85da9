"""try/except/else/finally run in Python's order

Rule: else runs only when the try body raised nothing, before finally;
except runs instead of else when it raised; finally always runs last.
The first handler whose type matches wins.
"""

import asyncio


async def attempt(fail):
    try:
        print(f"try fail={fail}")
        await asyncio.sleep(0)
        if fail:
            raise ValueError("v")
    except TypeError:
        print(f"TypeError handler")
    except (KeyError, ValueError) as e:
        print(f"handler got {type(e).__name__}")
    except Exception:
        print(f"generic handler")
    else:
        print(f"else")
    finally:
        print(f"finally")


async def main():
    await attempt(False)
    await attempt(True)


asyncio.run(main())
