"""Small shared pieces of every backend: a thread-safe usage total and per-event-loop semaphores."""

from __future__ import annotations

import asyncio
import threading

from .base import Usage

__all__ = ["LoopSemaphores", "MeteredModel", "UsageMeter"]


class UsageMeter:
    """A running `Usage` total that any thread or loop may add to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total = Usage()

    def add(self, usage: Usage) -> None:
        with self._lock:
            self._total.add(usage)

    def snapshot(self) -> Usage:
        with self._lock:
            return Usage(**self._total.as_dict())

    def reset(self) -> Usage:
        with self._lock:
            old, self._total = self._total, Usage()
        return old


class MeteredModel:
    """Mixin for backends: `usage` / `reset_usage` over the `_meter` each backend keeps."""

    _meter: UsageMeter

    @property
    def usage(self) -> Usage:
        """Tokens and calls summed over every call so far (a snapshot copy)."""
        return self._meter.snapshot()

    def reset_usage(self) -> Usage:
        """Start the total afresh; returns the total so far."""
        return self._meter.reset()


class LoopSemaphores:
    """One `asyncio.Semaphore(limit)` per running event loop (a semaphore is bound to its loop)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, int(limit))
        self._lock = threading.Lock()
        self._by_loop: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Semaphore]] = {}

    def get(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        found = self._by_loop.get(id(loop))
        if found is not None and found[0] is loop:
            return found[1]
        with self._lock:
            for key in [k for k, (lp, _) in self._by_loop.items() if lp.is_closed()]:
                del self._by_loop[key]
            semaphore = asyncio.Semaphore(self.limit)
            self._by_loop[id(loop)] = (loop, semaphore)
            return semaphore
