"""nested if/else as elif chains

Rule: if/else nested in else acts as elif; conditions use Python
truthiness (empty containers, 0, None are false).
"""

import asyncio


def classify(v):
    if v is None:
        return f"none"
    else:
        if not v:
            return f"falsy {v!r}"
        else:
            if isinstance(v, str):
                return f"text {v}"
    return f"other {type(v).__name__}"


async def main():
    for v in (None, 0, "", [], "hi", [0], 2.5):
        print(f"{classify(v)}")


asyncio.run(main())
