import asyncio
import time


async def handle(release, finished, reader, writer):
    print(f"[{time.time():.1f}] server: accepted, not reading")
    await release.wait()
    print(f"[{time.time():.1f}] server: released")
    writer.close()
    await writer.wait_closed()
    finished.set()


async def main():
    release = asyncio.Event()
    finished = asyncio.Event()
    server = await asyncio.start_server(lambda r, w: handle(release, finished, r, w), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    chunk = b"x" * 65536
    blocked = False
    for i in range(100000):
        writer.write(chunk)
        try:
            await asyncio.wait_for(writer.drain(), 1)
        except TimeoutError:
            blocked = True
            break
    print(f"[{time.time():.1f}] client: drain blocked: {blocked}")
    print(f"[{time.time():.1f}] client: transport still holds data: {writer.transport.get_write_buffer_size() > 0}")
    writer.transport.abort()
    release.set()
    await finished.wait()
    server.close()
    await server.wait_closed()
    print(f"[{time.time():.1f}] done")

asyncio.run(main())
