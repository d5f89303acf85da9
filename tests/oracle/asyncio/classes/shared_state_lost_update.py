"""read-await-write on a shared field loses updates; a Lock fixes it

Rule: a method that reads a field, awaits, then writes it back lets other
tasks interleave between the read and the write, so concurrent increments
are lost; holding an asyncio.Lock around the read-await-write keeps them.
"""

import asyncio


class Counter:
    value = 0

    async def unsafe_increment(self):
        v = self.value
        await asyncio.sleep(0)
        self.value = v + 1

    async def safe_increment(self, lock):
        async with lock:
            v = self.value
            await asyncio.sleep(0)
            self.value = v + 1


async def main():
    c = Counter()
    await asyncio.gather(*list(c.unsafe_increment() for _ in range(5)))
    print(f"unsafe: {c.value}")
    c2 = Counter()
    lock = asyncio.Lock()
    await asyncio.gather(*list(c2.safe_increment(lock) for _ in range(5)))
    print(f"safe: {c2.value}")


asyncio.run(main())
