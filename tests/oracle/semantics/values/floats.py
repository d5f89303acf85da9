"""floats print with Python's shortest repr

Rule: str of a float is the shortest repr that round-trips: 3.0 keeps
its .0, 0.1 + 0.2 shows its error, large and small magnitudes switch to
exponent form at Python's thresholds, true division always gives a
float, and inf/nan/-0.0 print as Python does.
"""

import asyncio


async def main():
    print(f"{3.0} {1/3} {0.1 + 0.2} {2/2} {7 // 2} {-7 // 2} {-7 % 3} {7.5 // 2}")
    print(f"{1e16} {1e15} {123456789012345678.0} {0.0001} {0.00001} {1.5e-7}")
    print(f"{float('inf')} {-float('inf')} {float('nan')} {-0.0} {0.0 * -1}")
    print(f"{2 ** 0.5} {2 ** -1} {10 ** 15} {2 ** 62} {round(2.675, 2)} {round(0.5)} {round(1.5)} {round(-2.5)}")
    print(f"{[1.0, 2.5, 1e-5]} {(0.1,)} {float(7)} {int(3.99)} {int(-3.99)} {abs(-2.0)}")


asyncio.run(main())
