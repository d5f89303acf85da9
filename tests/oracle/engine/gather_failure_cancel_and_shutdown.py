import asyncio
class Boom(ValueError): pass
async def child(n, fail):
    try:
        print(f"child {n} start")
        await asyncio.sleep(n)
        if fail:
            raise Boom(f"child {n} failed")
        print(f"child {n} done")
        return n * 10
    finally:
        print(f"child {n} finally")
async def forever():
    try:
        while True:
            await asyncio.sleep(0.5)
            print(f"tick {asyncio.get_running_loop().time():.1f}")
    except asyncio.CancelledError as e:
        print(f"forever cancelled {e!r}")
        raise
async def main():
    bg = asyncio.create_task(forever())
    try:
        res = await asyncio.gather(child(1, False), child(2, True), child(3, False))
    except Boom as e:
        print(f"caught {e!r} {type(e).__name__} {e}")
    await asyncio.sleep(2)
    print(f"names {sorted([t.get_name() for t in asyncio.all_tasks()])}")
    x = [1, 2.5, 'a', None, (1,), {'k': [True]}]
    print(f"{x} {len(x)} {x[1:]!r} {x[-1]['k'][0]}")
    r = bg.cancel("bye")
    print(f"cancel returned {r}")
    try:
        await bg
    except asyncio.CancelledError as e:
        print(f"bg -> {e!r} cancelled={bg.cancelled()}")
    r2 = bg.cancel()
    print(f"again {r2}")
    leftover = asyncio.create_task(child(5, False))
    await asyncio.sleep(0)
    print("main returns")
asyncio.run(main())
