"""while and for with break and continue

Rule: continue skips to the next iteration, break leaves the innermost
loop only; the for loop variable keeps its last value; while re-tests
its condition each time; loops may await inside.
"""

import asyncio


async def main():
    i = 0
    found = None
    while i < 10:
        i = i + 1
        if i % 2 == 0:
            continue
        if i > 7:
            break
        print(f"odd {i}")
    print(f"while ended with i={i}")
    for a in range(3):
        for b in range(3):
            if b > a:
                break
            await asyncio.sleep(0)
            print(f"{a},{b}")
    print(f"last a={a} b={b}")
    for k, v in {'x': 1, 'y': 2}.items():
        print(f"{k}={v}")


asyncio.run(main())
