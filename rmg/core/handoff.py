"""Results handed from the pool's threads to the coroutines waiting on them, one wake-up per loop.

A result reaches its caller from one of pebble's threads. A `concurrent.futures.Future` per
sample, wrapped for asyncio, costs a wake-up of the caller's loop per sample; a chunk of 64
samples meant 64 wake-ups. `settle_all` sets the futures of a whole batch of outcomes with one
call per event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

__all__ = ["Outcome", "settle_all"]

# (the waiting coroutine's future, the value, or the exception to raise instead)
Outcome = tuple["asyncio.Future[Any]", Any, "BaseException | None"]


def settle_all(outcomes: Iterable[Outcome]) -> None:
    """Settle futures of event loops from any thread, with one call per loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}
    for outcome in outcomes:
        by_loop.setdefault(outcome[0].get_loop(), []).append(outcome)
    for loop, items in by_loop.items():
        try:
            loop.call_soon_threadsafe(_set_each, items)
        except RuntimeError:  # the loop closed: nobody is waiting any more
            pass


def _set_each(items: list[Outcome]) -> None:
    for future, value, exc in items:
        if future.done():  # cancelled by its caller meanwhile
            continue
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(value)
