"""asyncio helpers shared by the runner and the model backends."""

from __future__ import annotations

import asyncio
import threading

__all__ = ["LoopSemaphores"]


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
