"""Condition.wait_for with a bound method as the predicate

Rule: the predicate can be any callable, here a plain method of a shared
object; producers change the object under the lock and notify_all, and only
the waiter whose predicate became true proceeds.
"""

import asyncio
import time


class Stock:
    count = 0

    def has_two(self):
        return self.count >= 2

    def has_three(self):
        return self.count >= 3


async def waiter(name, cond, pred):
    async with cond:
        await cond.wait_for(pred)
        print(f"{name} proceeds at {time.time():.1f}")


async def main():
    cond = asyncio.Condition()
    stock = Stock()
    a = asyncio.create_task(waiter("needs three", cond, stock.has_three))
    b = asyncio.create_task(waiter("needs two", cond, stock.has_two))
    for i in range(3):
        await asyncio.sleep(1)
        async with cond:
            stock.count = stock.count + 1
            print(f"stock {stock.count}")
            cond.notify_all()
    await asyncio.gather(a, b)


asyncio.run(main())
