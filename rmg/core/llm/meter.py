"""Small shared pieces of every backend: a thread-safe usage total and per-event-loop semaphores."""

from __future__ import annotations

import asyncio
import threading

from .base import Usage

__all__ = ["LoopSemaphores", "UsageMeter"]


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
