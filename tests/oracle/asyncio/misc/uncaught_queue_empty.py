"""an uncaught QueueEmpty exits with status 1

Rule: get_nowait on an empty queue raises asyncio.QueueEmpty; uncaught, it
ends the program with status 1 (last stderr line
"asyncio.queues.QueueEmpty").
"""

import asyncio


async def main():
    q = asyncio.Queue()
    print(f"size {q.qsize()}")
    q.get_nowait()


asyncio.run(main())
