import asyncio
import time


async def ticker():
    for i in range(4):
        print(f"[{time.time():.1f}] tick")
        await asyncio.sleep(0.5)


async def connect(name, port):
    for attempt in range(1, 4):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            return "connected"
        except ConnectionRefusedError as e:
            print(f"[{time.time():.1f}] {name} attempt {attempt}: {type(e).__name__} errno={e.errno} {e.strerror.replace(str(port), 'PORT')!r}")
            print(f"  {str(e).replace(str(port), 'PORT')}")
            print(f"  an OSError: {isinstance(e, OSError)}, a ConnectionError: {isinstance(e, ConnectionError)}")
        await asyncio.sleep(0.5)
    return "gave up"


async def main():
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    results = await asyncio.gather(ticker(), connect("first", port), connect("second", port))
    print(f"[{time.time():.1f}] {results}")

asyncio.run(main())
