import asyncio
import time


async def handle(stats, reader, writer):
    stats["open"] = stats["open"] + 1
    stats["peak"] = max(stats["peak"], stats["open"])
    stats["served"] = stats["served"] + 1
    n = int(await reader.readline())
    await asyncio.sleep(1)
    writer.write(f"{2 * n}\n".encode())
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    stats["open"] = stats["open"] - 1


async def client(port, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{n}\n".encode())
    answer = int(await reader.readline())
    writer.close()
    await writer.wait_closed()
    return (answer, time.time())


async def main():
    stats = {"open": 0, "peak": 0, "served": 0}
    server = await asyncio.start_server(lambda r, w: handle(stats, r, w), "127.0.0.1", 0, backlog=1000)
    port = server.sockets[0].getsockname()[1]
    results = await asyncio.gather(*[client(port, n) for n in range(1000)])
    answers = [a for a, t in results]
    print(f"answers correct: {answers == [2 * n for n in range(1000)]}")
    print(f"sum of answers: {sum(answers)}")
    print(f"answered at: {sorted(set(t for a, t in results))}")
    print(f"connections served: {stats['served']}, open at the peak: {stats['peak']}, open now: {stats['open']}")
    server.close()
    await server.wait_closed()
    print(f"elapsed: {time.time():.1f} s")

asyncio.run(main())
