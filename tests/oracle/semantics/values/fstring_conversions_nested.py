"""f-string conversions and nested format specs

Rule: !r applies repr and !s str before formatting; a format spec may
itself contain replacement fields ({x:{w}.{p}f}); {{ and }} are literal
braces; expressions inside fields can be any expression.
"""

import asyncio


async def main():
    w = 10
    p = 3
    x = 3.14159
    name = f"Ann"
    items = ["a", "b"]
    print(f"[{x:{w}.{p}f}] [{name!r:>{w}}] [{name!s:^{w}}] [{x:{'<' if p > 2 else '>'}{w}}]")
    print(f"{{literal}} {{{name}}} {items!r} {items!s} {len(items) * 2}")
    print(f"{name + '!'!r} {'-'.join(items)} {x if x > 3 else 0:.1f} {[i * 2 for i in range(3)]}")
    print(f"{'k' + '=' + str(5)} {name.upper()}{name.lower()[1:]} {items[-1]!r}")


asyncio.run(main())
