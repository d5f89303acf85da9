import asyncio
import time


async def handle(finished, reader, writer):
    writer.transport.pause_reading()
    await asyncio.sleep(0.5)
    print(f"[{time.time():.1f}] server: aborting with unread data")
    writer.transport.abort()
    finished.set()


async def main():
    finished = asyncio.Event()
    server = await asyncio.start_server(lambda r, w: handle(finished, r, w), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await asyncio.sleep(0.1)
    writer.write(b"are you there?\n")
    await writer.drain()
    await asyncio.sleep(1)
    try:
        print(f"[{time.time():.1f}] client: read {await reader.read(100)!r}")
    except ConnectionResetError as e:
        print(f"[{time.time():.1f}] client: read raised {type(e).__name__}: {e}")
        print(f"  errno {e.errno}, is a ConnectionError: {isinstance(e, ConnectionError)}")
    print(f"[{time.time():.1f}] client: transport closing: {writer.is_closing()}")
    writer.close()
    try:
        await writer.wait_closed()
    except ConnectionResetError as e:
        print(f"[{time.time():.1f}] client: wait_closed raised {type(e).__name__}: {e}")
    await finished.wait()
    server.close()
    await server.wait_closed()
    print(f"[{time.time():.1f}] done")

asyncio.run(main())
