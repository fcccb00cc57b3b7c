"""Reward work on a Ray cluster: a pool of actors, each a long-lived `Runner`.

    pool = RewardPool.start("math.accuracy", num_actors=8, num_cpus=4, name="rewards")
    scored = pool.score(samples)            # or: await pool.ascore(samples)

A named pool is detached: it outlives the driver and every process of the job finds it by name
(`RewardPool.connect("rewards")`; verl's reward workers use it when `RMG_RAY_POOL=rewards` is set).
Samples go out in chunks, round-robin over live actors, with at most `max_inflight` chunks in
flight (backpressure: a producer faster than the cluster waits instead of queueing without bound).
A chunk whose actor dies is sent once to another actor; if that fails too its samples come back as
`error` results. Results come back in input order.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from rmg.core.runner import Runner
from rmg.core.schema import RewardResult, RewardStatus, Sample, ScoredSample

__all__ = ["NAMESPACE", "RewardActor", "RewardPool"]

NAMESPACE = "rmg"


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise ImportError("rmg.training.ray needs Ray: pip install 'rmg[training]'") from exc
    return ray


class RewardActor:
    """The actor body: one Runner for the actor's life; chunks are scored on the actor's loop."""

    def __init__(self, spec: Any, options: dict[str, Any], info: dict[str, Any]) -> None:
        self.runner = Runner(spec, **options)
        self.info_ = info

    async def score(self, chunk: list[tuple[int, Any]]) -> list[ScoredSample]:
        return list(await asyncio.gather(*(self.runner.ascore(sample, index) for index, sample in chunk)))

    def info(self) -> dict[str, Any]:
        return {**self.info_, "pid": os.getpid()}

    def close(self) -> None:
        self.runner.close()


def _failed_chunk(chunk: list[tuple[int, Any]], message: str) -> list[ScoredSample]:
    out = []
    for index, sample in chunk:
        base = sample if isinstance(sample, Sample) else Sample()
        n = max(len(base.candidates), 1)
        out.append(
            ScoredSample(index=index, sample=base, results=[RewardResult.failure(RewardStatus.error, message)] * n)
        )
    return out


class RewardPool:
    """A handle on a pool of reward actors (started here, or found by name)."""

    def __init__(
        self, actors: list[Any], *, name: str | None = None, chunk_size: int = 8, max_inflight: int | None = None
    ):
        self.actors = list(actors)
        self.name = name
        self.chunk_size = max(1, chunk_size)
        self.max_inflight = max_inflight or 4 * max(len(self.actors), 1)
        self._dead: set[int] = set()
        self._next = 0

    # -- starting and finding ---------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        spec: Any,
        *,
        num_actors: int = 2,
        num_cpus: float = 1,
        name: str | None = None,
        address: str | None = None,
        chunk_size: int = 8,
        **runner_options: Any,
    ) -> RewardPool:
        """Start `num_actors` actors (each `num_cpus` CPUs; its Runner gets that many workers)."""
        ray = _ray()
        if not ray.is_initialized():
            ray.init(address=address, namespace=NAMESPACE, include_dashboard=False, log_to_driver=False)
        options = {"workers": max(1, int(num_cpus)), **runner_options}
        remote = ray.remote(RewardActor)
        actors = []
        for i in range(num_actors):
            opts: dict[str, Any] = {"num_cpus": num_cpus, "max_concurrency": 1000, "max_restarts": 0}
            if name:
                opts.update(name=f"{name}-{i}", namespace=NAMESPACE, lifetime="detached", get_if_exists=True)
            info = {"spec": spec if isinstance(spec, str) else repr(spec), "index": i, "num_actors": num_actors}
            actors.append(remote.options(**opts).remote(spec, options, info))
        # Fail here, naming the spec, rather than on the first chunk (a bad spec kills every actor).
        try:
            ray.get([a.info.remote() for a in actors])
        except Exception as exc:
            for a in actors:
                ray.kill(a)
            raise RuntimeError(f"reward pool for {spec!r} did not start: {exc}") from None
        return cls(actors, name=name, chunk_size=chunk_size)

    @classmethod
    def connect(cls, name: str | None = None, *, address: str | None = None, chunk_size: int = 8) -> RewardPool:
        """The named pool (default: `RMG_RAY_POOL`) started by another process of the cluster."""
        ray = _ray()
        name = name or os.environ.get("RMG_RAY_POOL")
        if not name:
            raise ValueError("no pool name given and RMG_RAY_POOL is not set")
        if not ray.is_initialized():
            ray.init(address=address or "auto", namespace=NAMESPACE, include_dashboard=False, log_to_driver=False)
        try:
            first = ray.get_actor(f"{name}-0", namespace=NAMESPACE)
        except ValueError:
            raise ValueError(f"no rmg reward pool named {name!r} on this Ray cluster") from None
        total = ray.get(first.info.remote())["num_actors"]
        actors = [first]
        for i in range(1, total):
            try:
                actors.append(ray.get_actor(f"{name}-{i}", namespace=NAMESPACE))
            except ValueError:  # an actor that died and was not restarted: the rest carry on
                pass
        return cls(actors, name=name, chunk_size=chunk_size)

    def shutdown(self) -> None:
        """Kill the actors (a named pool too: it is gone for every process)."""
        ray = _ray()
        for actor in self.actors:
            try:
                ray.kill(actor)
            except Exception:
                pass
        self.actors = []

    # -- dispatch -----------------------------------------------------------------------------------
    def _pick(self, avoid: int | None = None) -> int | None:
        live = [i for i in range(len(self.actors)) if i not in self._dead and i != avoid]
        if not live:
            return None
        self._next += 1
        return live[self._next % len(live)]

    def _submit(self, chunk: list[tuple[int, Any]], avoid: int | None = None) -> tuple[Any, int | None]:
        i = self._pick(avoid)
        if i is None:
            return None, None
        return self.actors[i].score.remote(chunk), i

    def _chunks(self, samples: Iterable[Any]) -> Iterator[list[tuple[int, Any]]]:
        chunk: list[tuple[int, Any]] = []
        for index, sample in enumerate(samples):
            chunk.append((index, sample))
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _outcome(self, chunk: list[tuple[int, Any]], actor: int | None, attempt: int, exc: BaseException | None):
        """What to do with a finished chunk: ("done", results) or ("retry", None)."""
        ray = _ray()
        if exc is None:
            return "done", None
        if isinstance(exc, ray.exceptions.RayActorError):
            if actor is not None:
                self._dead.add(actor)
            if attempt == 0 and self._pick(actor) is not None:
                return "retry", None
            return "done", _failed_chunk(chunk, f"reward actor died twice while scoring this sample: {exc}")
        return "done", _failed_chunk(chunk, f"reward actor failed: {type(exc).__name__}: {exc}")

    def stream(self, samples: Iterable[Sample | dict[str, Any]]) -> Iterator[ScoredSample]:
        """Score samples on the pool; yields in input order, with at most `max_inflight` chunks out."""
        ray = _ray()
        pending: deque[tuple[list[tuple[int, Any]], Any, int | None]] = deque()

        def settle(chunk: list[tuple[int, Any]], ref: Any, actor: int | None) -> list[ScoredSample]:
            for attempt in (0, 1):
                if ref is None:
                    return _failed_chunk(chunk, "no live reward actor in the pool")
                try:
                    return ray.get(ref)
                except Exception as exc:
                    action, results = self._outcome(chunk, actor, attempt, exc)
                    if action == "done":
                        return results
                    ref, actor = self._submit(chunk, avoid=actor)
            return _failed_chunk(chunk, "unreachable")

        for chunk in self._chunks(samples):
            pending.append((chunk, *self._submit(chunk)))
            while len(pending) >= self.max_inflight:
                yield from settle(*pending.popleft())
        while pending:
            yield from settle(*pending.popleft())

    def score(self, samples: Iterable[Sample | dict[str, Any]]) -> list[ScoredSample]:
        return list(self.stream(samples))

    async def astream(self, samples: Iterable[Sample | dict[str, Any]]) -> AsyncIterator[ScoredSample]:
        """Async twin of `stream`: awaits Ray object refs instead of blocking the loop."""
        pending: deque[tuple[list[tuple[int, Any]], Any, int | None]] = deque()

        async def settle(chunk: list[tuple[int, Any]], ref: Any, actor: int | None) -> list[ScoredSample]:
            for attempt in (0, 1):
                if ref is None:
                    return _failed_chunk(chunk, "no live reward actor in the pool")
                try:
                    return await ref
                except Exception as exc:
                    action, results = self._outcome(chunk, actor, attempt, exc)
                    if action == "done":
                        return results
                    ref, actor = self._submit(chunk, avoid=actor)
            return _failed_chunk(chunk, "unreachable")

        for chunk in self._chunks(samples):
            pending.append((chunk, *self._submit(chunk)))
            while len(pending) >= self.max_inflight:
                for scored in await settle(*pending.popleft()):
                    yield scored
        while pending:
            for scored in await settle(*pending.popleft()):
                yield scored

    async def ascore(self, samples: Iterable[Sample | dict[str, Any]]) -> list[ScoredSample]:
        return [s async for s in self.astream(samples)]

    # -- one sample at a time (verl's reward workers) -------------------------------------------------
    def score_one(self, sample: Sample) -> ScoredSample:
        return self.score([sample])[0]

    async def ascore_one(self, sample: Sample) -> ScoredSample:
        return (await self.ascore([sample]))[0]

    # -- the Runner interface `rmg score --ray` drives ----------------------------------------------
    def __enter__(self) -> RewardPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.name:
            self.shutdown()
