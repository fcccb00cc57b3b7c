"""One long-lived `Runner` per process and spec, callable from any thread and any event loop.

Trainers call a reward millions of times from threads and loops they own (verl's reward loop runs
sync functions in a thread pool and awaits coroutines on its own loop; OpenRLHF calls from worker
threads; TRL from the main thread). Building a `Runner` per call would start a process pool per
call, so each (spec, options) pair gets one runner, created lazily, kept for the life of the process
and closed at exit.

The runner is driven by a private event loop in a daemon thread: a sync caller blocks on a
`concurrent.futures.Future`; an async caller awaits it wrapped for its own loop, so a judge call is
awaited (never run in a thread) and the caller's loop is never blocked. A process forked after the
runner was built (Ray, multiprocessing) gets a fresh one: pools and loops do not survive a fork.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import threading
from concurrent.futures import Future
from typing import Any

from rmg.core.forks import fork_generation
from rmg.core.runner import Runner
from rmg.core.schema import Sample, ScoredSample

__all__ = ["SharedRunner", "close_all", "get_runner"]


class SharedRunner:
    """A `Runner` plus the loop thread that drives it; thread-safe, loop-agnostic."""

    def __init__(self, spec: Any, **options: Any) -> None:
        self.runner = Runner(spec, **options)
        self.fork = fork_generation()  # its pools and loop thread belong to this process
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="rmg-training-loop", daemon=True)
        self._thread.start()

    def submit(self, sample: Sample | dict[str, Any]) -> Future[ScoredSample]:
        return asyncio.run_coroutine_threadsafe(self.runner.ascore(sample), self._loop)

    def score(self, sample: Sample | dict[str, Any]) -> ScoredSample:
        """Score from any thread (blocks that thread only)."""
        return self.submit(sample).result()

    async def ascore(self, sample: Sample | dict[str, Any]) -> ScoredSample:
        """Score from any event loop without blocking it."""
        return await asyncio.wrap_future(self.submit(sample))

    def close(self) -> None:
        if fork_generation() != self.fork:  # a forked copy: the pools belong to the parent
            return
        try:
            self.runner.close()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)


_runners: dict[str, SharedRunner] = {}
_lock = threading.Lock()


def _key(spec: Any, options: dict[str, Any]) -> str:
    try:
        return json.dumps([spec, options], sort_keys=True, default=repr)
    except TypeError:
        return repr((spec, sorted(options.items())))


def get_runner(spec: Any, *, _key_extra: Any = None, **options: Any) -> SharedRunner:
    """The process's runner for this spec and these options (parsed once, then reused)."""
    key = _key(spec, options) + repr(_key_extra)
    with _lock:
        shared = _runners.get(key)
        if shared is None or shared.fork != fork_generation():
            shared = SharedRunner(spec, **options)
            _runners[key] = shared
        return shared


def close_all() -> None:
    """Close every runner of this process (registered at exit)."""
    with _lock:
        runners = list(_runners.values())
        _runners.clear()
    for shared in runners:
        try:
            shared.close()
        except Exception:
            pass


atexit.register(close_all)
