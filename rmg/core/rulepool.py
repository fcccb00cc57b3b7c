"""The process pool for rule rewards: pebble, plus what pebble alone does not survive.

pebble replaces a worker that dies while running a task (its future fails with
`ProcessExpired`). It does not survive everything an OOM killer or a `kill -9` can do: a worker
killed holding the pool's channel lock stalls every other worker, a result torn mid-write breaks
the pool (`BrokenProcessPool`), and an argument whose pickling hits a `RecursionError` kills
pebble's scheduler thread. So samples are pickled here, by the caller (one that cannot be pickled
fails alone), and a pool that breaks or makes no progress for longer than any sample may run is
replaced, its unfinished samples given to the new one.

Samples go to the workers in chunks sized by what they cost (`rmg.core.chunks`), sent when the
submitting event loop's turn ends, so what its coroutines submit in one turn travels together
(at most two chunks per worker are out; the rest wait and form larger chunks). The watchdog
holds each sample of a chunk to its own budget, killing the worker of one that overruns; a hang
or a crash fails the sample that caused it, and the others of its chunk run again (a sample fails
for its pool only after `_ATTEMPTS` failures with no other sample to blame). Results reach the
callers' event loops in batches (`rmg.core.handoff`).

For a long-lived service (`rmg serve`), `warm` starts the workers up front, `worker_pids` lists the
live ones and `restarts` counts the workers that went away (`rmg.core.pebble_pool` reads them).
"""

from __future__ import annotations

import asyncio
import functools
import os
import pickle
import signal
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from .chunks import (
    CHUNK_SECONDS,
    MAX_CHUNK,
    Chunk,
    CostModel,
    ProgressTable,
    SampleNotSent,
    Task,
    init_worker,
    noop,
    pickle_sample,
    run_chunk,
    unpickle_results,
)
from .handoff import settle_all
from .pebble_pool import live_pids, start_pool, stop_quietly
from .reward import Reward
from .schema import RewardResult, RewardStatus, Sample

__all__ = ["RulePool", "SampleNotSent", "WorkerDied"]

_TERM_TIMEOUT = 1.0  # a worker pebble stops gets SIGTERM, then SIGKILL after this many seconds
_ATTEMPTS = 4  # failed chunks a task may be in when no other sample was to blame, before it fails
_TICK = 0.05  # the watchdog's period while samples run: how late one over its budget may be stopped
_CENSUS_EVERY = 0.25  # seconds between counts of the live workers (and the watchdog's idle period)
# Chunks waiting while no worker runs a sample: a worker killed holding pebble's channel lock has
# left the others unable to take work or send results. Healthy workers take work in milliseconds.
_STALLED_AFTER = 5.0


class WorkerDied(RuntimeError):
    """The worker running this sample died (killed by a signal, or the reward ended its process)."""


class _Overran(TimeoutError):
    """The sample ran past its budget; its worker was killed."""


@dataclass
class _Generation:
    pool: Any
    number: int
    last_progress: float = field(default_factory=time.monotonic)  # a sample started or a chunk ended
    last_working: float = field(default_factory=time.monotonic)  # a worker ran a sample, or started
    proven: bool = False  # a chunk came back: its workers can start


class RulePool:
    """Runs `rewards[index].evaluate(sample)` in worker processes, each call within `timeout` s."""

    def __init__(self, rewards: list[Reward], workers: int, timeout: float) -> None:
        self.blob = pickle.dumps(rewards)
        self.workers = workers
        self.timeout = timeout
        # No progress for this long while tasks are in flight means the pool is wedged: a healthy
        # pool starts, finishes or kills a sample at least this often.
        self.wedged_after = timeout + _TERM_TIMEOUT + 5.0
        self.max_chunks = 2 * max(workers, 1)  # in flight: one running and one waiting per worker
        self.progress = ProgressTable(self.max_chunks)
        self.costs = CostModel()
        # Re-entrant: pebble runs a done callback at once when the future is already done.
        self._lock = threading.RLock()
        self._queue: deque[Task] = deque()
        self._pumping: set[asyncio.AbstractEventLoop] = set()  # loops that will send the queue soon
        self._chunks: dict[int, Chunk] = {}
        self._next_id = 0
        self._generation: _Generation | None = None
        self._closed = False
        self.rebuilds = 0  # pools started, the first included
        self.chunks_sent = 0  # pool tasks, each a chunk of one or more samples
        self.restarts = 0  # workers that went away: timed out, died, killed, or in a replaced pool
        self._seen_pids: set[int] = set()
        self._watchdog = threading.Thread(target=self._watch, name="rmg-pool-watchdog", daemon=True)
        self._watchdog_started = False

    # -- submitting --------------------------------------------------------------------------
    async def results(self, index: int, sample: Sample, label: str, n: int) -> list[RewardResult]:
        """`rewards[index]` on `sample` (its `n` candidates) with every failure as a status, never raised."""
        try:
            blob = pickle_sample(sample)
        except SampleNotSent as exc:
            return RewardResult.failures(n, RewardStatus.invalid_input, f"{label}: {exc}")
        future: asyncio.Future[list[RewardResult]] = asyncio.get_running_loop().create_future()
        self._enqueue(Task(index, blob, future))
        try:
            return await future  # cancelling this coroutine cancels the future: see _caller_done
        except (FutureTimeout, TimeoutError):
            message = f"{label} exceeded its {self.timeout:g}s budget; its worker was killed"
            return RewardResult.failures(n, RewardStatus.timeout, message)
        except WorkerDied as exc:
            return RewardResult.failures(n, RewardStatus.error, f"{label}: {exc}")
        except (asyncio.CancelledError, CancelledError):
            if future.cancelled():  # our caller was cancelled
                raise
            return RewardResult.failures(n, RewardStatus.error, f"{label}: the pool was closed")
        except Exception as exc:
            return RewardResult.failures(n, RewardStatus.error, f"{label}: worker failed: {type(exc).__name__}: {exc}")

    def _enqueue(self, task: Task) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is closed")
            self._queue.append(task)
            loop = task.future.get_loop()
            soon = loop not in self._pumping
            self._pumping.add(loop)
        if soon:
            # Sent when this turn of the event loop ends: what its other coroutines submit meanwhile
            # goes in the same chunks (a server's requests arrive many per turn).
            loop.call_soon(self._pump_now, loop)
        task.future.add_done_callback(functools.partial(self._caller_done, task))

    def _pump_now(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._pumping.discard(loop)
            self._pump()

    # -- what a long-lived service watches ----------------------------------------------------
    def warm(self, wait: float = 60.0) -> None:
        """Start the pool now and have its workers run a no-op, so the first sample is not slowed."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is closed")
            pool = self._current().pool
        try:
            futures = [pool.schedule(noop) for _ in range(2 * self.workers)]
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
        pids = live_pids(generation.pool) if generation is not None else set()
        if pids is None:  # pebble's worker table could not be read this time: count nothing
            return set(self._seen_pids)
        self.restarts += len(self._seen_pids - pids)
        self._seen_pids = pids
        return set(pids)

    def _caller_done(self, task: Task, future: Any) -> None:
        if not future.cancelled():
            return
        with self._lock:  # the caller gave up (a budget ran out, Ctrl-C): stop the work
            chunk = task.chunk  # a task still queued is skipped when its turn comes
            if chunk is not None and chunk.inner is not None and all(t.future.cancelled() for t in chunk.tasks):
                chunk.inner.cancel()  # pebble stops the worker running it

    # -- chunks out --------------------------------------------------------------------------
    def _pump(self) -> None:
        """Send queued samples to the pool while fewer than `max_chunks` chunks are out (lock held)."""
        while self._queue and len(self._chunks) < self.max_chunks and not self._closed:
            tasks = self._take()
            if tasks:
                self._dispatch(tasks)

    def _take(self) -> list[Task]:
        """The next chunk from the queue: samples whose measured cost fits in `CHUNK_SECONDS` (lock held)."""
        tasks: list[Task] = []
        budget = 0.0
        while self._queue and len(tasks) < MAX_CHUNK:
            task = self._queue[0]
            if task.settled or task.future.done():  # cancelled while it waited
                self._queue.popleft()
                continue
            cost = self.costs.cost(task.index)
            if tasks and budget + cost > CHUNK_SECONDS:
                break
            tasks.append(self._queue.popleft())
            budget += cost
        return tasks

    def _dispatch(self, tasks: list[Task]) -> None:
        """Schedule one chunk on the current pool (lock held); a pool that refuses is replaced once."""
        items = [(task.index, task.blob) for task in tasks]
        for _ in range(2):
            generation = self._current()
            self._next_id += 1
            chunk = Chunk(self._next_id, tasks, self.progress.claim(), generation.number)
            # pebble's own limit is only a backstop: the watchdog holds each sample to `timeout`.
            backstop = self.timeout * len(tasks) + _TERM_TIMEOUT + 1.0
            try:
                inner = generation.pool.schedule(run_chunk, args=(chunk.slot, chunk.key, items), timeout=backstop)
            except Exception:
                self.progress.release(chunk.slot)
                self._abandon(generation, "the worker pool refused new work")
                continue
            for task in tasks:
                task.chunk = chunk
            chunk.inner = inner
            self._chunks[chunk.key] = chunk
            self.chunks_sent += 1
            inner.add_done_callback(functools.partial(self._inner_done, chunk))
            return
        self._finish([(task, None, WorkerDied("the worker pool could not be started")) for task in tasks])

    def _current(self) -> _Generation:
        if self._generation is None:
            pool = start_pool(self.workers, init_worker, (self.blob, self.progress.array), _TERM_TIMEOUT)
            self.rebuilds += 1
            self._generation = _Generation(pool, self.rebuilds)
            if not self._watchdog_started:
                self._watchdog_started = True
                self._watchdog.start()
        return self._generation

    # -- results -----------------------------------------------------------------------------
    def _inner_done(self, chunk: Chunk, done: Any) -> None:
        with self._lock:
            if self._chunks.get(chunk.key) is not chunk:
                return  # a chunk of a pool already replaced: its tasks were moved
            del self._chunks[chunk.key]
            generation = self._generation if self._generation and self._generation.number == chunk.pool_id else None
            if generation is not None:
                generation.last_progress = generation.last_working = time.monotonic()
            try:
                value = done.result()
            except CancelledError:
                self._requeue([t for t in chunk.tasks if not t.future.cancelled()], "its worker pool was stopped")
                value = None
            except Exception as exc:
                self._lost(chunk, exc)
                value = None
            else:
                for task, (_, seconds) in zip(chunk.tasks, value):
                    self.costs.observe(task.index, seconds)
                    task.settled = True
                if generation is not None:
                    generation.proven = True  # its workers start and take work
            self.progress.release(chunk.slot)  # only now: _lost reads the slot
            self._pump()
        if value is not None:  # unpickled outside the lock: other chunks go on meanwhile
            self._finish([(task, *unpickle_results(blob)) for task, (blob, _) in zip(chunk.tasks, value)])

    def _lost(self, chunk: Chunk, exc: BaseException) -> None:
        """A chunk whose worker was killed, died or timed out: fail the sample it was running, run the rest again."""
        overran = chunk.hung is not None or isinstance(exc, (FutureTimeout, TimeoutError))
        if not overran and type(exc).__name__ != "ProcessExpired":
            # BrokenProcessPool and the like: the pool failed, not a sample.
            if self._generation is not None and self._generation.number == chunk.pool_id:
                self._abandon(self._generation, f"{type(exc).__name__}: {exc}")
            self._requeue(chunk.tasks, f"{type(exc).__name__}: {exc}")
            return
        position = chunk.hung
        if position is None:
            progress = self.progress.read(chunk.slot, chunk.key)
            position = progress.position if progress is not None else None
        if position is not None and position < len(chunk.tasks):
            if overran:
                error: BaseException = _Overran()
            else:
                code = getattr(exc, "exitcode", None)
                how = f"killed by signal {-code}" if isinstance(code, int) and code < 0 else f"exit code {code}"
                error = WorkerDied(f"its worker process died ({how})")
            self._finish([(chunk.tasks[position], None, error)])
            # The culprit is known: the others lose nothing but time (else a sample among many
            # crashing neighbours could run out of attempts through no fault of its own).
            self._requeue(chunk.tasks, "a worker died while holding it", counted=False)
        else:
            self._requeue(chunk.tasks, "a worker died while holding it")

    def _requeue(self, tasks: list[Task], why: str, counted: bool = True) -> None:
        """Put unsettled tasks back at the head of the queue, in order; one out of attempts fails (lock held)."""
        back, failed = [], []
        for task in tasks:
            task.chunk = None
            if task.settled or task.future.done():
                continue
            task.attempts += counted
            if task.attempts >= _ATTEMPTS or self._closed:
                failed.append((task, None, WorkerDied(f"the worker pool failed while holding this sample ({why})")))
            else:
                back.append(task)
        self._queue.extendleft(reversed(back))
        self._finish(failed)

    @staticmethod
    def _finish(outcomes: Sequence[tuple[Task, Any, BaseException | None]]) -> None:
        for task, _, _ in outcomes:
            task.settled = True
        settle_all((task.future, value, exc) for task, value, exc in outcomes)

    # -- replacing a wedged or broken pool ---------------------------------------------------
    def _abandon(self, generation: _Generation, why: str) -> None:
        """Replace `generation` (lock held): its chunks' tasks go back to the queue; it is stopped aside."""
        if self._generation is not generation:
            return
        self._generation = None
        threading.Thread(target=stop_quietly, args=(generation.pool,), name="rmg-pool-stop", daemon=True).start()
        for key, chunk in list(self._chunks.items()):
            if chunk.pool_id == generation.number:
                del self._chunks[key]
                self.progress.release(chunk.slot)
                self._requeue(chunk.tasks, why)

    def _watch(self) -> None:
        counted = 0.0
        while True:
            time.sleep(_TICK if self._chunks else _CENSUS_EVERY)
            with self._lock:
                if self._closed:
                    return
                now = time.monotonic()
                generation = self._generation
                if now - counted >= _CENSUS_EVERY:
                    before, counted = self._seen_pids, now
                    if self._census() - before and generation is not None:
                        generation.last_working = now  # a worker (re)started: give it time to take work
                if generation is None:
                    continue
                busy = False
                for chunk in list(self._chunks.values()):
                    if chunk.pool_id == generation.number:
                        busy = True
                        self._hold_to_budget(chunk, generation, now)
                if not busy:
                    generation.last_progress = generation.last_working = now
                elif now - generation.last_progress >= self.wedged_after:
                    self._abandon(generation, f"no worker made progress for {self.wedged_after:g}s")
                    self._pump()
                elif generation.proven and now - generation.last_working >= _STALLED_AFTER:
                    self._abandon(generation, f"samples waited {_STALLED_AFTER:g}s while no worker ran one")
                    self._pump()

    def _hold_to_budget(self, chunk: Chunk, generation: _Generation, now: float) -> None:
        """Kill the worker of a chunk whose current sample is over its budget (lock held)."""
        progress = self.progress.read(chunk.slot, chunk.key)
        if progress is None or chunk.hung is not None:
            return
        generation.last_working = now
        if progress.started != chunk.seen:  # a new sample started: the pool is moving
            chunk.seen = progress.started
            generation.last_progress = now
        if now - progress.started <= self.timeout:
            return
        live = live_pids(generation.pool)
        if live is not None and progress.pid not in live:
            return  # not (or no longer) one of this pool's workers: pebble's backstop covers it
        chunk.hung = progress.position
        try:
            os.kill(progress.pid, signal.SIGKILL)
        except OSError:
            pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            generation, self._generation = self._generation, None
            tasks = [t for chunk in self._chunks.values() for t in chunk.tasks] + list(self._queue)
            self._chunks, self._queue = {}, deque()
        self._finish([(task, None, CancelledError()) for task in tasks if not task.settled])
        if generation is not None:
            stop_quietly(generation.pool)
