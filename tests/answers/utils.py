"""A team's shared decorators module, as a learner's handler may be wrapped in one (``functools.wraps``).

Its globals are not the handler's: a check must look through the wrapper to find the services the
handler calls, and the state they keep.
"""

import functools
import time

timings: list[float] = []


def timed(func):
    """Record how long each call of an async handler takes."""

    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return await func(*args, **kwargs)
        finally:
            timings.append(time.perf_counter() - began)

    return wrapper
