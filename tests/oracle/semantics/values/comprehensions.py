"""comprehensions and generator expressions

Rule: list/dict comprehensions with conditions and nested for clauses
evaluate in Python's order; generator expressions feed sum/min/max/
sorted/list lazily; the comprehension variable does not leak.
"""

import asyncio


async def main():
    squares = [i * i for i in range(6) if i % 2 == 0]
    pairs = [(a, b) for a in range(3) for b in range(a)]
    table = {k: len(k) for k in ['x', 'yy', 'zzz']}
    grid = [[r * 3 + c for c in range(3)] for r in range(2)]
    i = f"outer"
    print(f"{squares} {pairs}")
    print(f"{table} {grid}")
    print(f"{sum(x for x in range(10))} {max(len(w) for w in table)} {min((v, k) for k, v in table.items())}")
    print(f"{sorted((x % 3, x) for x in range(6))} {list(c.upper() for c in 'ab')} {i}")
    print(f"{any(x > 4 for x in squares)} {all(x % 2 == 0 for x in squares)}")


asyncio.run(main())
