"""Small shared pieces of every backend: a thread-safe usage total and per-event-loop semaphores."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from .base import ChatResponse, Usage

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

    async def _through_cache(
        self, cache: Any, request: dict[str, Any], call: Callable[[], Awaitable[ChatResponse]]
    ) -> ChatResponse:
        """Serve `request` from the response cache (a `ResponseCache` or None), else `call()` and
        keep its answer; either way the usage counts (a hit as a cached call)."""
        key = cache.key(request) if cache is not None else None
        if key is not None:
            hit = cache.get(key)
            if hit is not None:
                self._meter.add(hit.usage)
                return hit
        response = await call()
        self._meter.add(response.usage)
        if key is not None:
            cache.put(key, response)
        return response


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
