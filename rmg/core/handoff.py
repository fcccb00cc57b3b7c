"""Results handed from the pool's threads to whoever waits: a thread, or a coroutine on its loop.

A result reaches its caller from one of pebble's threads. A `concurrent.futures.Future` per
sample, wrapped for asyncio, costs a wake-up of the caller's loop per sample; a chunk of 64
samples meant 64 wake-ups. A `Waiter` instead holds either a plain future (for threads) or a
future of the caller's loop, and `settle_all` wakes each loop once per batch of outcomes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import Future
from typing import Any

__all__ = ["Outcome", "Waiter", "settle_all"]


class Waiter:
    """Where one sample's results go: a thread's future, or a future of an event loop."""

    __slots__ = ("future", "loop")

    def __init__(
        self, future: Future[Any] | asyncio.Future[Any], loop: asyncio.AbstractEventLoop | None = None
    ) -> None:
        self.future = future
        self.loop = loop  # None: a thread's future, set from any thread

    def done(self) -> bool:  # read from any thread: a plain attribute read under the GIL
        return self.future.done()

    def cancelled(self) -> bool:
        return self.future.cancelled()


Outcome = tuple[Waiter, Any, "BaseException | None"]  # (waiter, value, exception)


def settle_all(outcomes: Iterable[Outcome]) -> None:
    """Settle waiters from any thread: thread futures at once, loop futures with one call per loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}
    for outcome in outcomes:
        waiter = outcome[0]
        if waiter.loop is None:
            _set(outcome)
        else:
            by_loop.setdefault(waiter.loop, []).append(outcome)
    for loop, items in by_loop.items():
        try:
            loop.call_soon_threadsafe(_set_each, items)
        except RuntimeError:  # the loop closed: nobody is waiting any more
            pass


def _set_each(items: list[Outcome]) -> None:
    for item in items:
        _set(item)


def _set(outcome: Outcome) -> None:
    waiter, value, exc = outcome
    future = waiter.future
    if future.done():
        return
    try:
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(value)
    except Exception:  # settled meanwhile by another thread (a thread future has no lock-free check)
        pass
