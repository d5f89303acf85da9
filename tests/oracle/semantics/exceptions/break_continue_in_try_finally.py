"""break and continue inside try still run finally

Rule: continue and break leaving a try body run its finally first;
else is skipped when the body leaves by break/continue.
"""

import asyncio


async def main():
    for i in range(5):
        try:
            if i == 1:
                print(f"{i}: continue")
                continue
            if i == 3:
                print(f"{i}: break")
                break
            print(f"{i}: body")
        except Exception:
            print(f"never")
        else:
            print(f"{i}: else")
        finally:
            print(f"{i}: finally")
    print(f"after loop")


asyncio.run(main())
