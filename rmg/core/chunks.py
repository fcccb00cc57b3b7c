"""Chunks: several rule-reward samples per worker call, and the table that says which one is running.

One pool task per sample costs about a millisecond of pickling, pipe and thread hops, far more than
a cheap rule reward (an exact match takes microseconds). So the pool sends samples in chunks sized
by what they cost: samples of a reward measured cheap go together up to `CHUNK_SECONDS` of work;
a reward not yet measured, or slow, goes one sample per task.

Chunking must not weaken the per-sample budget. Each worker writes into a shared-memory
`ProgressTable` which sample of its chunk it is running and since when; the pool's watchdog reads
it, kills a worker whose current sample is over budget, and knows which sample that was. The
samples of the chunk that did not hang are run again, so a hang or a crash costs its neighbours
only time.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import time
from dataclasses import dataclass
from multiprocessing.sharedctypes import RawArray
from typing import Any, NamedTuple

from .reward import Reward
from .schema import RewardResult, RewardStatus, Sample

__all__ = [
    "CHUNK_SECONDS",
    "MAX_CHUNK",
    "Chunk",
    "CostModel",
    "Progress",
    "ProgressTable",
    "SampleNotSent",
    "Task",
    "init_worker",
    "noop",
    "pickle_sample",
    "run_chunk",
    "unpickle_results",
]

CHUNK_SECONDS = 0.005  # work per chunk: amortises the ~1 ms per task, adds at most this much latency
MAX_CHUNK = 64
_FIELDS = 4  # per slot: chunk id, worker pid, position in the chunk, monotonic start (0: between samples)

_worker_rewards: list[Reward] = []
_worker_progress: Any = None


@dataclass(eq=False)
class Task:
    """One reward on one sample, from the caller's event loop to a worker and back."""

    index: int  # which of the pool's rewards
    blob: bytes  # the pickled sample
    future: asyncio.Future[Any]  # the caller's, on its loop; its results go here
    attempts: int = 0
    settled: bool = False  # an outcome was handed over (the future is set later, on its loop)
    chunk: Chunk | None = None  # the chunk it is in now; None while queued


@dataclass(eq=False)
class Chunk:
    """Tasks sent to a worker as one pool task, and what the watchdog knows of it."""

    key: int
    tasks: list[Task]
    slot: int  # its `ProgressTable` slot
    pool_id: int  # the pool generation it was sent to
    inner: Any = None  # the pebble future
    hung: int | None = None  # position of the sample the watchdog stopped for overrunning
    seen: float = 0.0  # the start of the sample last seen running (progress, for the wedge check)


class SampleNotSent(ValueError):
    """The sample cannot be sent to a worker process (pickling failed: e.g. nested too deeply)."""


def pickle_sample(sample: Sample) -> bytes:
    """Pickled by the caller, not by pebble: a sample that cannot travel fails alone (see rulepool)."""
    try:
        return pickle.dumps(sample)
    except (RecursionError, pickle.PicklingError, TypeError, AttributeError) as exc:
        raise SampleNotSent(f"the sample cannot be sent to a worker process ({type(exc).__name__}: {exc})") from None


def unpickle_results(blob: bytes) -> tuple[Any, BaseException | None]:
    """A worker's pickled results, or the error unpickling them raised."""
    try:
        return pickle.loads(blob), None
    except Exception as exc:
        return None, exc


class Progress(NamedTuple):
    pid: int
    position: int
    started: float  # time.monotonic() in the worker; CLOCK_MONOTONIC is one clock for all processes


class ProgressTable:
    """Shared-memory slots, one per chunk in flight; a slot is held from dispatch until its chunk ends.

    A slot also names the chunk that wrote it, so a late write from a worker of a pool already
    replaced is not believed for the chunk that holds the slot now.
    """

    def __init__(self, slots: int) -> None:
        self.array: Any = RawArray("d", slots * _FIELDS)
        self._free = list(range(slots))

    def claim(self) -> int:
        """A free slot, cleared (there is one for each chunk the pool lets out at once)."""
        slot = self._free.pop()
        base = slot * _FIELDS
        for i in range(_FIELDS):
            self.array[base + i] = 0.0
        return slot

    def release(self, slot: int) -> None:
        self._free.append(slot)

    def read(self, slot: int, chunk_id: int) -> Progress | None:
        """Which sample of chunk `chunk_id` runs now, or None when none does (not started, between)."""
        base = slot * _FIELDS
        array = self.array
        started = array[base + 3]
        chunk, pid, position = array[base], array[base + 1], array[base + 2]
        # A worker writes the start last and clears it first: an unchanged start means a whole record.
        if started <= 0 or array[base + 3] != started or int(chunk) != chunk_id:
            return None
        return Progress(int(pid), int(position), started)


class CostModel:
    """Seconds per sample of each reward, as measured in the workers (a moving average)."""

    def __init__(self) -> None:
        self._seconds: dict[int, float] = {}

    def observe(self, index: int, seconds: float) -> None:
        old = self._seconds.get(index)
        self._seconds[index] = seconds if old is None else 0.8 * old + 0.2 * seconds

    def cost(self, index: int) -> float:
        """A reward never measured counts as a whole chunk, so its first samples go one per task."""
        return self._seconds.get(index, CHUNK_SECONDS)


# -- in the worker process -------------------------------------------------------------------------
def noop() -> int:  # run on each new worker by `RulePool.warm`, so the first real sample meets a warm worker
    return 0


def init_worker(blob: bytes, progress: Any) -> None:
    global _worker_rewards, _worker_progress
    _worker_rewards = pickle.loads(blob)
    _worker_progress = progress


def run_chunk(slot: int, chunk_id: int, items: list[tuple[int, bytes]]) -> list[tuple[bytes, float]]:
    """Each `(reward index, pickled sample)` in turn: its pickled results and the seconds it took."""
    table, base, pid = _worker_progress, slot * _FIELDS, os.getpid()
    out = []
    for position, (index, blob) in enumerate(items):
        table[base + 3] = 0.0
        table[base], table[base + 1], table[base + 2] = chunk_id, pid, position
        started = time.monotonic()
        table[base + 3] = started
        out.append((_run_one(index, blob), time.monotonic() - started))
    table[base + 3] = 0.0
    return out


def _run_one(index: int, blob: bytes) -> bytes:
    # Results travel as bytes pickled here, so a result that cannot be pickled fails its sample
    # instead of killing the worker halfway through a send.
    try:
        sample: Sample = pickle.loads(blob)
        results = _worker_rewards[index].evaluate(sample)
        return pickle.dumps(results)
    except BaseException as exc:  # SystemExit too: it ends this sample, not the chunk or the worker
        message = f"{_worker_rewards[index].name}: {type(exc).__name__}: {exc}"
        return pickle.dumps([RewardResult.failure(RewardStatus.error, message)])
