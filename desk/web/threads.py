"""Warehouse calls off the event loop, a few at a time.

Starlette's ``run_in_threadpool`` admits 40 threads at once. With 20 editors in flight that is 20
DuckDB queries and 20 Python threads fighting over the GIL and the database's locks, on a
machine with two cores; two workers (DuckDB releases the GIL while it scans, so two overlap)
get the same work done with less switching, and the requests that wait do so in a queue instead
of inside half-run queries. Measured with bench/review_bench.py at 20 clients: 40 threads
120-180 req/s, 8 workers 185, 4 workers 148-192, 2 workers 178-220, 1 worker 173.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

T = TypeVar("T")
WORKERS = 2
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary())


async def run_in_threadpool(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in a worker thread, at most ``WORKERS`` at once per loop."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(WORKERS)
    return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs),
                                          limiter=limiter)
