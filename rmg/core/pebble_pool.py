"""Starting, stopping and reading a pebble `ProcessPool`: the one module that knows pebble's insides."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["live_pids", "start_pool", "stop_quietly"]


def start_pool(workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...], term_timeout: float) -> Any:
    from pebble import ProcessPool
    from pebble.common import types as pebble_types

    pebble_types.CONSTS.term_timeout = term_timeout  # SIGTERM, then SIGKILL this much later
    return ProcessPool(max_workers=workers, initializer=initializer, initargs=initargs)


def live_pids(pool: Any) -> set[int] | None:
    """The pids of a pebble pool's live workers; None when its (private) worker table is unreadable."""
    try:
        workers = pool._pool_manager.worker_manager.workers
        return {pid for pid, process in list(workers.items()) if process.is_alive()}
    except (AttributeError, RuntimeError):  # not started yet, another pebble layout, or a resize mid-read
        return None


def stop_quietly(pool: Any, wait: float = 10.0) -> None:
    """Stop a pebble pool; a wedged one may never join, so its joiner is a daemon that gives up."""
    try:
        pool.stop()
    except Exception:
        return
    joiner = threading.Thread(target=_join, args=(pool,), daemon=True)
    joiner.start()
    joiner.join(wait)


def _join(pool: Any) -> None:
    try:
        pool.join()
    except Exception:
        pass
