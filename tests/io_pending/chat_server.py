import asyncio
import time


async def broadcast(clients, message, sender):
    for w, who in list(clients.items()):
        if w is not sender:
            w.write(f"{message}\n".encode())
    for w, who in list(clients.items()):
        if w is not sender:
            await w.drain()


async def handle(clients, reader, writer):
    name = (await reader.readline()).decode().strip()
    print(f"[{time.time():.1f}] server: {name} joined")
    await broadcast(clients, f"* {name} joined", writer)
    clients[writer] = name
    while (line := await reader.readline()):
        print(f"[{time.time():.1f}] server: {name} says {line.decode().strip()!r}")
        await broadcast(clients, f"{name}: {line.decode().strip()}", writer)
    clients.pop(writer)
    print(f"[{time.time():.1f}] server: {name} left")
    await broadcast(clients, f"* {name} left", writer)
    writer.close()
    await writer.wait_closed()


async def listen(name, reader):
    while (line := await reader.readline()):
        print(f"[{time.time():.1f}] {name} sees {line.decode().strip()!r}")
    print(f"[{time.time():.1f}] {name}: connection closed")


async def client(port, name, join_at, lines, leave_at):
    await asyncio.sleep(join_at)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{name}\n".encode())
    listener = asyncio.create_task(listen(name, reader))
    for at, text in lines:
        await asyncio.sleep(at - (time.time() - START))
        writer.write(f"{text}\n".encode())
        await writer.drain()
    await asyncio.sleep(leave_at - (time.time() - START))
    writer.close()
    await writer.wait_closed()
    await listener


async def main():
    global START
    START = time.time()
    clients = {}
    server = await asyncio.start_server(lambda r, w: handle(clients, r, w), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.gather(client(port, "alice", 0, [(1.5, "hi all"), (3, "bye")], 3.5), client(port, "bob", 0.5, [(2, "hello alice")], 4), client(port, "carol", 1, [(2, "hey"), (2.5, "who is here?")], 4.5))
    await asyncio.sleep(0.1)
    print(f"[{time.time():.1f}] clients still connected: {len(clients)}")
    server.close()
    await server.wait_closed()
    print(f"[{time.time():.1f}] server closed")

asyncio.run(main())
