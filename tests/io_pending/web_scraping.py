import asyncio
import time


async def handle(reader, writer):
    request_line = (await reader.readline()).decode()
    method, path, version = request_line.split()
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    print(f"server: {method} {path}")
    if path.startswith("/delay/"):
        seconds = int(path.split("/")[2])
        await asyncio.sleep(seconds)
        status = "200 OK"
        body = f'{{"url": "http://httpbin.test{path}", "delay": {seconds}}}'
    elif path == "/json":
        status = "200 OK"
        body = f'{{"slideshow": {{"title": "Sample Slide Show", "author": "Yours Truly"}}}}'
    else:
        status = "404 Not Found"
        body = f'{{"error": "no such page: {path}"}}'
    payload = body.encode()
    writer.write(f"HTTP/1.0 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def fetch_url(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.0\r\nHost: httpbin.test\r\n\r\n".encode())
    await writer.drain()
    response = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, body = response.split(b"\r\n\r\n", 1)
    status_line = head.split(b"\r\n")[0].decode()
    return f"URL {path}: {status_line}, {len(body)} bytes: {body.decode()}"


async def fetch_multiple_urls():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    paths = ["/delay/1", "/delay/2", "/delay/1", "/json", "/status/418"]
    start_time = time.time()
    tasks = [fetch_url(port, path) for path in paths]
    results = await asyncio.gather(*tasks)
    total_time = time.time() - start_time
    print("Results:")
    for result in results:
        print(f"  {result}")
    print(f"Total time: {total_time:.2f} seconds")
    server.close()
    await server.wait_closed()

asyncio.run(fetch_multiple_urls())
