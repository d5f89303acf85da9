"""nested containers print as Python's repr

Rule: lists, tuples and dicts print their elements by repr (strings
quoted, nested containers recursively); a one-element tuple has a
trailing comma, the empty tuple is (), dicts keep insertion order.
"""

import asyncio


async def main():
    nested = [1, [2, [3, []]], (4, (5,)), {"a": [1, 2], "b": {"c": None}}]
    empty = [[], (), {}]
    mixed = {1: "one", "two": 2, (3, 4): [True, False]}
    print(f"{nested}")
    print(f"{empty}")
    print(f"{mixed}")
    print(f"{list(range(3))} {tuple('ab')} {dict(x=1, y='z')} {len(nested)}")
    print(f"{sorted({'b': 1, 'a': 2}.items())} {list(zip([1, 2], 'xy'))} {list(enumerate('ab', 1))}")


asyncio.run(main())
