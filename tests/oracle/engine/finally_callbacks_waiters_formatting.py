import asyncio
def cb(fut):
    print(f"callback saw {fut.get_name()} result={fut.result()}")
async def f():
    for i in range(5):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            print(f"body {i}")
        finally:
            print(f"finally {i}")
    try:
        return "from try"
    finally:
        print("finally before return")
async def g():
    try:
        return 1
    finally:
        return 2
async def waiter(t, label):
    r = await t
    print(f"{label} got {r}")
async def swallow():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"swallowed, cancelling={asyncio.current_task().cancelling()}")
    return "survived"
async def never():
    print("never printed")
async def main():
    r = await f()
    print(f"{r!r}")
    r = await g()
    print(f"{r}")
    t = asyncio.create_task(asyncio.sleep(1, "slept"))
    t.add_done_callback(cb)
    asyncio.create_task(waiter(t, "w1"))
    asyncio.create_task(waiter(t, "w2"))
    t.add_done_callback(cb)
    await asyncio.sleep(2)
    s = asyncio.create_task(swallow())
    await asyncio.sleep(0)
    s.cancel()
    r = await s
    print(f"{r} {s.cancelled()} {s.cancelling()}")
    n = asyncio.create_task(never())
    n.cancel()
    await asyncio.sleep(0)
    print(f"{n.cancelled()} {n.done()}")
    await asyncio.gather(asyncio.sleep(0), waiter(t, "w3"))
    print(f"{asyncio.current_task().get_name()}")
    d = {'a': 1, 'b': [1.0, 2.25e-7, 1e16, -0.0]}
    print(f"{d} {d['b'][1]:.3e} {1/3:8.4f}|{'x':>5}|{42:05d}|{1234567:,}|{0.5:.0%}")
    print(f"{3 // -2} {-7 % 3} {7.5 // 2} {2 ** 10} {2 ** -1} {10 / 4} {True + 1} {'ab' * 3}")
    raise RuntimeError("end of main")
asyncio.run(main())
