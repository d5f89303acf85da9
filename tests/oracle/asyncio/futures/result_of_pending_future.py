"""reading a future before it is done, and setting it twice

Rule: result() and exception() of a pending future raise InvalidStateError;
set_result on a done future raises InvalidStateError too and the first
result stays.
"""

import asyncio


async def main():
    fut = asyncio.get_running_loop().create_future()
    print(f"done={fut.done()} cancelled={fut.cancelled()}")
    try:
        fut.result()
    except Exception as e:
        print(f"result(): {type(e).__name__}: {e}")
    fut.set_result("first")
    try:
        fut.set_result("second")
    except Exception as e:
        print(f"set_result again: {type(e).__name__}: {e}")
    print(f"result {fut.result()!r} exception {fut.exception()}")


asyncio.run(main())
