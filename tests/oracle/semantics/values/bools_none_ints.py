"""bools, None, big ints and comparisons

Rule: True/False/None print as words; bool is an int subclass (True + 1
is 2); ints print in full; comparison chains, `is`, `in`,
`and`/`or` returning an operand behave as in Python.
"""

import asyncio


async def main():
    print(f"{True} {False} {None} {True + 1} {True == 1} {isinstance(True, int)}")
    print(f"{2 ** 62} {-2 ** 3} {(-2) ** 3} {10 ** 18 + 1} {7 % -3} {-7 // 2}")
    print(f"{1 < 2 < 3} {1 < 3 < 2} {None is None} {'a' in 'abc'} {3 not in [1, 2]}")
    print(f"{0 or 'default'} {'x' and 'y'} {[] or None} {not 0} {1 if [] else 2}")
    print(f"{str(12) + '3'} {int('0042')} {float('1.50')} {bool('')} {bool('0')} {type(1.0).__name__}")


asyncio.run(main())
