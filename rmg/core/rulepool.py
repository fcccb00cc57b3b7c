"""The process pool for rule rewards: pebble, plus what pebble alone does not survive.

pebble gives each task a hard wall-clock budget and replaces a worker that dies while running a
task (its future fails with `ProcessExpired`). It does not survive everything an OOM killer or a
`kill -9` can do:

- a worker killed while it holds the pool's channel lock (taking a task, or sending a result)
  leaves the lock held forever, and a task it had taken but not acknowledged is lost: every other
  worker stalls and the lost task's future never completes;
- a result torn mid-write breaks the whole pool (`BrokenProcessPool`), and later `schedule`
  calls raise;
- an argument that cannot be pickled with a `RecursionError` (a 500-deep reference) kills
  pebble's scheduler thread, after which nothing is ever scheduled again.

So samples are pickled here, by the caller, before they reach pebble (a sample that cannot be
pickled fails alone); a sample on a worker that died fails alone; and a pool that makes no
progress for longer than any task may run, or that breaks, is replaced by a fresh one and the
tasks it still held are given to the new pool (a task caught in two broken pools fails).

For a long-lived service (`rmg serve`), `warm` starts the workers up front, `worker_pids` lists the
live ones and `restarts` counts the workers that went away (read from pebble's worker table by the
watchdog, the one place here that looks inside pebble).
"""

from __future__ import annotations

import asyncio
import functools
import os
import pickle
import threading
import time
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from .reward import Reward
from .schema import RewardResult, RewardStatus, Sample

__all__ = ["RulePool", "SampleNotSent", "WorkerDied"]

_TERM_TIMEOUT = 1.0  # a timed-out worker gets SIGTERM, then SIGKILL after this many seconds
_ATTEMPTS = 4  # pools a task may be in before it fails: a broken pool is not the sample's fault

_worker_rewards: list[Reward] = []


class WorkerDied(RuntimeError):
    """The worker running this sample died (killed by a signal, or the reward ended its process)."""


class SampleNotSent(ValueError):
    """The sample cannot be sent to a worker process (pickling failed: e.g. nested too deeply)."""


def _noop() -> int:  # run on each new worker by `warm`, so the first real sample meets a warm worker
    return 0


def _init_worker(blob: bytes) -> None:
    global _worker_rewards
    _worker_rewards = pickle.loads(blob)


def _run_in_worker(index: int, blob: bytes) -> bytes:
    # Results travel as bytes pickled here, so a result that cannot be pickled fails its sample
    # instead of killing the worker halfway through a send.
    try:
        sample: Sample = pickle.loads(blob)
        results = _worker_rewards[index].evaluate(sample)
        return pickle.dumps(results)
    except Exception as exc:
        message = f"{_worker_rewards[index].name}: {type(exc).__name__}: {exc}"
        return pickle.dumps([RewardResult.failure(RewardStatus.error, message)])


@dataclass
class _Task:
    index: int
    blob: bytes
    outer: Future[list[RewardResult]]
    inner: Any = None  # the pebble future of the current attempt
    attempts: int = 0
    pool_id: int = 0


@dataclass
class _Generation:
    pool: Any
    number: int
    last_progress: float = field(default_factory=time.monotonic)


class RulePool:
    """Runs `rewards[index].evaluate(sample)` in worker processes, each call within `timeout` s."""

    def __init__(self, rewards: list[Reward], workers: int, timeout: float) -> None:
        self.blob = pickle.dumps(rewards)
        self.workers = workers
        self.timeout = timeout
        # No progress for this long while tasks are in flight means the pool is wedged: a healthy
        # pool finishes or kills a task at least this often.
        self.wedged_after = timeout + _TERM_TIMEOUT + 5.0
        self.pid = os.getpid()
        # Re-entrant: pebble runs a done callback at once when the future is already done.
        self._lock = threading.RLock()
        self._tasks: dict[int, _Task] = {}
        self._next_id = 0
        self._generation: _Generation | None = None
        self._closed = False
        self.rebuilds = 0  # pools started, the first included
        self.restarts = 0  # workers that went away: timed out, died, killed, or in a replaced pool
        self._seen_pids: set[int] = set()
        self._watchdog = threading.Thread(target=self._watch, name="rmg-pool-watchdog", daemon=True)
        self._watchdog_started = False

    # -- submitting --------------------------------------------------------------------------
    def submit(self, index: int, sample: Sample) -> Future[list[RewardResult]]:
        """A future of the sample's results; raises SampleNotSent when it cannot be pickled."""
        try:
            blob = pickle.dumps(sample)
        except (RecursionError, pickle.PicklingError, TypeError, AttributeError) as exc:
            raise SampleNotSent(
                f"the sample cannot be sent to a worker process ({type(exc).__name__}: {exc})"
            ) from None
        outer: Future[list[RewardResult]] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is closed")
            self._next_id += 1
            task = _Task(index, blob, outer)
            self._tasks[self._next_id] = task
            key = self._next_id
            self._dispatch(key, task)
        outer.add_done_callback(functools.partial(self._outer_done, key))
        return outer

    async def results(self, index: int, sample: Sample, label: str, n: int) -> list[RewardResult]:
        """`rewards[index]` on `sample` (its `n` candidates) with every failure as a status, never raised."""
        try:
            future = self.submit(index, sample)
        except SampleNotSent as exc:
            return _failed(n, RewardStatus.invalid_input, f"{label}: {exc}")
        try:
            return await asyncio.wrap_future(future)
        except (FutureTimeout, TimeoutError):
            message = f"{label} exceeded its {self.timeout:g}s budget; its worker was killed"
            return _failed(n, RewardStatus.timeout, message)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except WorkerDied as exc:
            return _failed(n, RewardStatus.error, f"{label}: {exc}")
        except Exception as exc:
            return _failed(n, RewardStatus.error, f"{label}: worker failed: {type(exc).__name__}: {exc}")

    # -- what a long-lived service watches ----------------------------------------------------
    def warm(self, wait: float = 60.0) -> None:
        """Start the pool now and have its workers run a no-op, so the first sample is not slowed."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is closed")
            pool = self._current().pool
        try:
            futures = [pool.schedule(_noop) for _ in range(2 * self.workers)]
            for future in futures:
                future.result(timeout=wait)
        except Exception:  # a pool that broke meanwhile is replaced on the next submit
            pass

    def worker_pids(self) -> set[int]:
        """The pids of the current pool's live workers (empty before it starts); updates `restarts`."""
        with self._lock:
            return self._census()

    def _census(self) -> set[int]:
        """Live worker pids now; those seen before and gone since count as restarts (lock held)."""
        generation = self._generation
        pids = _live_pids(generation.pool) if generation is not None else set()
        if pids is None:  # pebble's worker table could not be read this time: count nothing
            return set(self._seen_pids)
        self.restarts += len(self._seen_pids - pids)
        self._seen_pids = pids
        return set(pids)

    def _outer_done(self, key: int, outer: Future[Any]) -> None:
        if outer.cancelled():  # the caller gave up (a budget ran out, Ctrl-C): stop the work
            with self._lock:
                task = self._tasks.pop(key, None)
            if task is not None and task.inner is not None:
                task.inner.cancel()

    def _dispatch(self, key: int, task: _Task) -> None:
        """Schedule `task` on the current pool (lock held); a pool that refuses is replaced once."""
        for _ in range(2):
            generation = self._current()
            task.attempts += 1
            task.pool_id = generation.number
            try:
                inner = generation.pool.schedule(_run_in_worker, args=(task.index, task.blob), timeout=self.timeout)
            except Exception:
                task.pool_id = 0  # not in that pool: the replacement below must not move it
                self._abandon(generation, "the worker pool refused new work")
                continue
            task.inner = inner
            inner.add_done_callback(functools.partial(self._inner_done, key, inner))
            return
        self._tasks.pop(key, None)
        _settle(task.outer, exc=WorkerDied("the worker pool could not be started"))

    def _current(self) -> _Generation:
        if self._generation is None:
            from pebble import ProcessPool
            from pebble.common import types as pebble_types

            pebble_types.CONSTS.term_timeout = _TERM_TIMEOUT
            pool = ProcessPool(max_workers=self.workers, initializer=_init_worker, initargs=(self.blob,))
            self.rebuilds += 1
            self._generation = _Generation(pool, self.rebuilds)
            if not self._watchdog_started:
                self._watchdog_started = True
                self._watchdog.start()
        return self._generation

    # -- results -----------------------------------------------------------------------------
    def _inner_done(self, key: int, inner: Any, done: Any) -> None:
        with self._lock:
            task = self._tasks.get(key)
            if task is None or task.inner is not inner:
                return  # an attempt in a pool already replaced, or a task already settled
            if self._generation is not None and self._generation.number == task.pool_id:
                self._generation.last_progress = time.monotonic()
            try:
                value = done.result()
            except (FutureTimeout, TimeoutError):
                self._tasks.pop(key, None)
                _settle(task.outer, exc=FutureTimeout())
                return
            except CancelledError:
                if task.outer.cancelled():
                    self._tasks.pop(key, None)
                    return
                self._retry(key, task, "its worker pool was stopped")
                return
            except Exception as exc:
                if type(exc).__name__ == "ProcessExpired":
                    self._tasks.pop(key, None)
                    code = getattr(exc, "exitcode", None)
                    how = f"killed by signal {-code}" if isinstance(code, int) and code < 0 else f"exit code {code}"
                    _settle(task.outer, exc=WorkerDied(f"its worker process died ({how})"))
                    return
                self._retry(key, task, f"{type(exc).__name__}: {exc}")  # BrokenProcessPool and the like
                return
            self._tasks.pop(key, None)
        try:
            _settle(task.outer, value=pickle.loads(value))
        except Exception as exc:
            _settle(task.outer, exc=exc)

    def _retry(self, key: int, task: _Task, why: str) -> None:
        """A task whose pool broke under it: replace that pool, or move the task if already replaced."""
        if self._generation is not None and self._generation.number == task.pool_id:
            self._abandon(self._generation, why)  # moves this task with the others
        else:
            self._move(key, task, why)

    def _move(self, key: int, task: _Task, why: str) -> None:
        """Give a task of a broken pool to the current one, or fail it after its last attempt (lock held)."""
        if task.attempts >= _ATTEMPTS or self._closed:
            self._tasks.pop(key, None)
            _settle(task.outer, exc=WorkerDied(f"the worker pool failed while holding this sample ({why})"))
            return
        self._dispatch(key, task)

    # -- replacing a wedged or broken pool ---------------------------------------------------
    def _abandon(self, generation: _Generation, why: str) -> None:
        """Replace `generation` (lock held): its unfinished tasks go to a new pool; it is stopped aside."""
        if self._generation is not generation:
            return
        self._generation = None
        threading.Thread(target=_stop_quietly, args=(generation.pool,), name="rmg-pool-stop", daemon=True).start()
        for key, task in list(self._tasks.items()):
            if task.pool_id == generation.number and not task.outer.done():
                task.inner = None  # late callbacks from the old pool are ignored
                self._move(key, task, why)

    def _watch(self) -> None:
        while True:
            time.sleep(0.25)
            with self._lock:
                if self._closed:
                    return
                self._census()
                generation = self._generation
                if generation is None:
                    continue
                busy = any(t.pool_id == generation.number and not t.outer.done() for t in self._tasks.values())
                if not busy:
                    generation.last_progress = time.monotonic()
                elif time.monotonic() - generation.last_progress >= self.wedged_after:
                    self._abandon(generation, f"no worker made progress for {self.wedged_after:g}s")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            generation, self._generation = self._generation, None
            tasks, self._tasks = list(self._tasks.values()), {}
        for task in tasks:
            _settle(task.outer, exc=CancelledError())
        if generation is not None:
            _stop_quietly(generation.pool)


def _failed(n: int, status: RewardStatus, message: str) -> list[RewardResult]:
    return [RewardResult.failure(status, message) for _ in range(n)]


def _live_pids(pool: Any) -> set[int] | None:
    """The pids of a pebble pool's live workers; None when its (private) worker table is unreadable."""
    try:
        workers = pool._pool_manager.worker_manager.workers
        return {pid for pid, process in list(workers.items()) if process.is_alive()}
    except (AttributeError, RuntimeError):  # not started yet, another pebble layout, or a resize mid-read
        return None


def _settle(future: Future[Any], *, value: Any = None, exc: BaseException | None = None) -> None:
    if future.done():
        return
    try:
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(value)
    except Exception:
        pass


def _stop_quietly(pool: Any, wait: float = 10.0) -> None:
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
