"""string repr chooses quotes like Python

Rule: repr of a string uses single quotes unless the string contains a
single quote and no double quote; backslashes, newlines and tabs are
escaped; inside a list strings print by repr.
"""

import asyncio


async def main():
    plain = f"hello"
    single = f"it's"
    double = 'say "hi"'
    both = 'it\'s "both"'
    escapes = 'tab\there\nnewline \\ back'
    print(f"{plain!r} {single!r} {double!r} {both!r}")
    print(f"{escapes!r}")
    print(f"{[plain, single, double, both]}")
    print(f"{repr('')} {str('')}|{len(escapes)}")


asyncio.run(main())
