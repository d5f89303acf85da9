import asyncio
import time


async def handle(reader, writer):
    try:
        line = await asyncio.wait_for(reader.readline(), 2)
        print(f"[{time.time():.1f}] server: got {line!r}")
        writer.write(b"ok\n")
        await writer.drain()
    except TimeoutError:
        print(f"[{time.time():.1f}] server: no request within 2 s, closing")
    writer.close()
    await writer.wait_closed()


async def idle_client(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    print(f"[{time.time():.1f}] idle client: connected, sending nothing")
    data = await reader.read(100)
    print(f"[{time.time():.1f}] idle client: read returned {data!r}, at EOF: {reader.at_eof()}")
    writer.close()
    await writer.wait_closed()


async def busy_client(port):
    await asyncio.sleep(0.5)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hello\n")
    print(f"[{time.time():.1f}] busy client: answer {await reader.readline()!r}")
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.gather(idle_client(port), busy_client(port))
    server.close()
    await server.wait_closed()
    print(f"[{time.time():.1f}] done")

asyncio.run(main())
