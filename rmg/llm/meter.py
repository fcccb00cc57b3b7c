"""Small shared pieces of every backend: a thread-safe usage total and the cache-and-meter path."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

from rmg.core.chat import ChatResponse, Usage

__all__ = ["MeteredModel", "UsageMeter"]


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
