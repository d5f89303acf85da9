import asyncio
async def fail():
    await asyncio.sleep(0.1)
    raise ValueError("lost")
async def main():
    asyncio.create_task(fail())
    await asyncio.sleep(1)
    print("main done")
asyncio.run(main())
