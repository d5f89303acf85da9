"""coroutine methods, plain methods and fields

Rule: methods are coroutines unless `sync: true`; they read and write the
instance's fields through self; __init__ is a plain method; each instance
has its own field values.
"""

import asyncio


class Account:
    owner = ""
    balance = 0

    def __init__(self, owner, balance):
        self.owner = owner
        self.balance = balance

    async def deposit(self, amount):
        await asyncio.sleep(0.1)
        self.balance = self.balance + amount
        return self.balance

    def describe(self):
        return f"{self.owner}: {self.balance}"


async def main():
    a = Account("ann", 10)
    b = Account("bob", 0)
    nb = await a.deposit(5)
    print(f"deposit returned {nb}")
    await asyncio.gather(b.deposit(1), b.deposit(2), a.deposit(100))
    print(f"{a.describe()} / {b.describe()}")


asyncio.run(main())
