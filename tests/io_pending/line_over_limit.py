import asyncio
import time


async def handle(finished, reader, writer):
    try:
        line = await reader.readline()
    except ValueError as e:
        print(f"[{time.time():.1f}] server: readline raised {type(e).__name__}: {e}")
    print(f"[{time.time():.1f}] server: next readline {await reader.readline()!r}")
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError as e:
        print(f"[{time.time():.1f}] server: readuntil raised {type(e).__name__}: {e}")
        print(f"  consumed {e.consumed}, a ValueError too: {isinstance(e, ValueError)}, an Exception: {isinstance(e, Exception)}")
    print(f"[{time.time():.1f}] server: read(100) {await reader.read(100)!r}")
    writer.close()
    await writer.wait_closed()
    finished.set()


async def main():
    finished = asyncio.Event()
    server = await asyncio.start_server(lambda r, w: handle(finished, r, w), "127.0.0.1", 0, limit=16)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"L" * 40 + b"\n" + b"short\n")
    await asyncio.sleep(1)
    writer.write(b"N" * 40)
    await asyncio.sleep(1)
    writer.close()
    await writer.wait_closed()
    await finished.wait()
    server.close()
    await server.wait_closed()
    print(f"[{time.time():.1f}] done")

asyncio.run(main())
