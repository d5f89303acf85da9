import asyncio


async def ticker(state):
    n = 0
    while not state["done"]:
        print(f"tick {n}")
        n = n + 1
        await asyncio.sleep(0)


async def handle(reader, writer):
    line = await reader.readline()
    print(f"  server got {line!r}")
    writer.write(line.upper())
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    print(f"  server closed for {line!r}")


async def client(port, name):
    print(f"  {name} connecting")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    print(f"  {name} connected")
    writer.write(f"{name}\n".encode())
    print(f"  {name} got {await reader.readline()!r}")
    print(f"  {name} then {await reader.read()!r}")
    writer.close()
    await writer.wait_closed()
    print(f"  {name} closed")


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    state = {"done": False}
    t = asyncio.create_task(ticker(state))
    await asyncio.gather(client(port, "a"), client(port, "b"), client(port, "c"))
    state["done"] = True
    await t
    server.close()
    await server.wait_closed()
    print("done")

asyncio.run(main())
