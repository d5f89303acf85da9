"""format specs follow Python's format mini-language

Rule: width, alignment, fill, sign, grouping, precision and type codes
(f e g % d x o b s) format exactly as Python's format().
"""

import asyncio


async def main():
    x = 1234.5678
    n = 42
    s = f"ab"
    print(f"[{x:.2f}] [{x:10.1f}] [{x:<10.1f}] [{x:^10.1f}] [{x:*>12,.2f}]")
    print(f"[{x:e}] [{x:.3e}] [{x:g}] [{0.00001234:g}] [{1e20:g}] [{0.25:.0%}] [{x:+.1f}] [{-x: .1f}]")
    print(f"[{n:5d}] [{n:<5d}] [{n:05d}] [{n:x}] [{n:#x}] [{n:o}] [{n:b}] [{n:#010b}] [{1234567:,}] [{1234567:_}]")
    print(f"[{s:5}] [{s:>5}] [{s:^6}] [{s:-<4}] [{n:5}] [{n:<5}] [{True:>6}] [{None!s:>6}]")
    print(f"[{2.5:.0f}] [{3.5:.0f}] [{0.125:.2f}] [{1/3:.10f}] [{100:.2f}] [{-0.0:.1f}]")


asyncio.run(main())
