"""async context manager

Seed 003 (A Journey from First Principles), "Advanced Pattern: Context
Managers with Async". AsyncDatabase simulates a connection whose setup
(__aenter__) and cleanup (__aexit__) are coroutines; `async with` awaits
both, and the connection is closed automatically at the end of the block.
"""

import asyncio


class AsyncDatabase:
    async def __aenter__(self):
        print("Connecting to database...")
        await asyncio.sleep(0.5)
        print("Database connected")
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        print("Closing database connection...")
        await asyncio.sleep(0.2)
        print("Database closed")

    async def query(self, sql):
        print(f"Executing: {sql}")
        await asyncio.sleep(1)
        return f"Results for: {sql}"


async def database_operations():
    async with AsyncDatabase() as db:
        result1 = await db.query("SELECT * FROM users")
        result2 = await db.query("SELECT * FROM orders")
        print(f"Got results: {result1}, {result2}")


asyncio.run(database_operations())
