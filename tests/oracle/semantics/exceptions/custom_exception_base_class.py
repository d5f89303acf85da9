"""custom exceptions are caught by their base class

Rule: an except clause for a base class catches subclasses; handlers are
tried in order, so a more specific handler after the base never runs.
type(e).__name__, str and repr show the concrete class.
"""

import asyncio


class AppError(Exception):
    pass


class NetworkError(AppError):
    pass


class TimeoutErr(NetworkError):
    pass


class DiskError(AppError):
    pass


async def raiser(kind):
    await asyncio.sleep(0)
    if kind == "net":
        raise NetworkError("net down")
    else:
        if kind == "timeout":
            raise TimeoutErr("slow", 3)
        else:
            raise DiskError()


async def main():
    for kind in ("net", "timeout", "disk"):
        try:
            await raiser(kind)
        except NetworkError as e:
            print(f"network handler: {type(e).__name__} {e!r} str={e}")
        except AppError as e:
            print(f"app handler: {type(e).__name__} {e!r} str={e!s} isnet={isinstance(e, NetworkError)}")
        except DiskError:
            print(f"never")


asyncio.run(main())
