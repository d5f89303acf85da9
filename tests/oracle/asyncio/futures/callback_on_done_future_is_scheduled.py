"""add_done_callback on a finished future does not call it inline

Rule: adding a callback to a future that is already done schedules it with
call_soon; it runs at the next loop iteration, after the code that added it
reaches a suspension.
"""

import asyncio


def cb(f):
    print(f"callback with {f.result()}")


async def main():
    fut = asyncio.get_running_loop().create_future()
    fut.set_result(1)
    fut.add_done_callback(cb)
    print("callback added")
    await asyncio.sleep(0)
    print("after sleep(0)")


asyncio.run(main())
