"""The reward service behind the HTTP app: one long-lived `Runner` per served reward, admission.

Nothing here re-implements the runner: each served reward is a `rmg.Runner` (its rule pool with
hard per-sample budgets, a stuck, killed or broken worker or pool replaced, failures as statuses)
kept for the life of the server. This module adds what a shared service needs on top:
- admission: a bounded count of rows in flight across all requests; beyond it the caller is told
  to come back later (HTTP 429) instead of the queue growing without bound;
- cancellation: a request whose task is cancelled (client gone) cancels its rows in the runner,
  which kills the workers running them;
- a watcher that publishes the runners' live workers and replaced-worker counts as metrics.
No FastAPI here, so the Ray Serve deployment reuses it unchanged.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rmg.core.compose import iter_leaves
from rmg.core.dataset import result_to_json, row_to_sample
from rmg.core.runner import Runner
from rmg.core.schema import ScoredSample
from rmg.core.spec import SpecError

from .config import ServerConfig
from .metrics import Metrics

__all__ = ["NotServed", "Overloaded", "RewardService", "Served"]


class Overloaded(Exception):
    """The queue is full: retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotServed(LookupError):
    """The request names a reward this server does not serve (or a spec it may not build)."""


@dataclass
class Served:
    """One served reward: its name, the spec it was built from, and the runner that scores it."""

    name: str
    spec: str
    runner: Runner
    users: int = 0  # requests using it now (an ad-hoc runner is closed only when unused)
    restarts: int = 0  # the runner's replaced workers already added to the metric

    def describe(self) -> dict[str, Any]:
        leaves = []
        for leaf in iter_leaves(self.runner.node):
            reward = leaf.reward
            leaves.append(
                {
                    "reward": leaf.label,
                    "mode": reward.mode.value,
                    "kind": reward.kind.value,
                    "description": type(reward).summary(),
                    "params": reward.model_dump(mode="json", by_alias=True),
                    "parameters": [{**p, "default": _jsonable(p["default"])} for p in type(reward).parameters()],
                }
            )
        return {"name": self.name, "spec": self.spec, "rewards": leaves}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return repr(value)


class RewardService:
    def __init__(self, config: ServerConfig, metrics: Metrics | None = None) -> None:
        self.config = config
        self.metrics = metrics or Metrics()
        self.metrics.queue_limit.set(config.max_queue)
        self.served: dict[str, Served] = {}
        self.adhoc: OrderedDict[str, Served] = OrderedDict()
        self.in_flight = 0
        self.ready = False
        self.started_at = time.time()
        self._lock = threading.Lock()
        self._watcher: asyncio.Task[None] | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def _runner(self, spec: str) -> Runner:
        return Runner(
            spec, workers=self.config.workers, timeout=self.config.timeout, concurrency=self.config.concurrency
        )

    def build(self) -> None:
        """Parse every served spec (a bad one stops the start, naming it) and start the pools."""
        for name, spec in self.config.rewards.items():
            try:
                runner = self._runner(spec)
            except Exception as exc:
                self.close()
                raise ValueError(f"--reward {name}={spec}: {exc}") from None
            self.served[name] = Served(name, spec, runner)
        for served in self.served.values():
            self._warm(served)

    def _warm(self, served: Served) -> None:
        served.runner.warm()  # the runner starts its pool lazily; a server starts it up front
        self.check_pool(served)

    async def start(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.build)
        self.ready = True
        self._watcher = asyncio.ensure_future(self._watch_pools())

    async def stop(self) -> None:
        self.ready = False
        if self._watcher is not None:
            self._watcher.cancel()
        await asyncio.get_running_loop().run_in_executor(None, self.close)

    def close(self) -> None:
        for served in [*self.served.values(), *self.adhoc.values()]:
            served.runner.close()
        self.served.clear()
        self.adhoc.clear()

    async def _watch_pools(self, every: float = 0.5) -> None:
        """Keep the worker metrics current (the runner replaces dead workers and broken pools itself)."""
        while True:
            await asyncio.sleep(every)
            for served in [*self.served.values(), *self.adhoc.values()]:
                self.check_pool(served)

    def check_pool(self, served: Served) -> None:
        """Publish a runner's live workers, and the workers it replaced since the last look."""
        pids = served.runner.worker_pids()
        restarts = served.runner.restarts
        if restarts > served.restarts:
            self.metrics.pool_restarts.labels(served.name).inc(restarts - served.restarts)
        served.restarts = restarts
        self.metrics.workers.labels(served.name).set(len(pids))

    # -- what is served --------------------------------------------------------------------------
    def describe(self) -> list[dict[str, Any]]:
        return [served.describe() for served in self.served.values()]

    def resolve(self, reward: str) -> Served:
        served = self.served.get(reward)
        if served is not None:
            return served
        if not self.config.allow_any_spec:
            names = ", ".join(sorted(self.served)) or "none"
            raise NotServed(
                f"reward {reward!r} is not served here (served: {names}); "
                "a spec other than a served name needs the server started with --allow-any-spec"
            )
        with self._lock:
            served = self.adhoc.get(reward)
            if served is not None:
                self.adhoc.move_to_end(reward)
                return served
        text = reward.strip()
        if "\n" not in text and text.endswith((".yaml", ".yml", ".json")) and ("/" in text or Path(text).exists()):
            # The spec parser reads a spec file by path; over HTTP that would read the server's files.
            raise SpecError(
                "spec files are not read over HTTP: send the spec itself (a name, an expression, YAML or JSON)"
            )
        runner = self._runner(reward)  # SpecError / RegistryError: the caller's 422
        with self._lock:
            if reward in self.adhoc:  # built twice by two requests at once: keep one
                runner.close()
                return self.adhoc[reward]
            served = self.adhoc[reward] = Served(reward, reward, runner)
            while len(self.adhoc) > self.config.max_any_spec_runners:
                oldest = next((k for k, v in self.adhoc.items() if v.users == 0 and v is not served), None)
                if oldest is None:
                    break
                self.adhoc.pop(oldest).runner.close()
        return served

    # -- scoring ---------------------------------------------------------------------------------
    async def _score_all(self, served: Served, rows: list[Any]) -> list[ScoredSample]:
        """Every row gets a result: the runner turns a dead worker or a broken pool into statuses."""
        samples = [_to_sample(row) for row in rows]
        if len(samples) == 1:  # one row needs no task of its own
            return [await served.runner.ascore(samples[0], 0)]
        return list(await asyncio.gather(*(served.runner.ascore(s, i) for i, s in enumerate(samples))))

    def admit(self, rows: int) -> None:
        with self._lock:
            if self.in_flight + rows > self.config.max_queue:
                self.metrics.rejected.inc(rows)
                raise Overloaded(
                    f"server busy: {self.in_flight} rows in flight, {rows} more would exceed the queue of "
                    f"{self.config.max_queue}; retry after {self.config.retry_after}s",
                    self.config.retry_after,
                )
            self.in_flight += rows
        self.metrics.queue_depth.set(self.in_flight)

    def release(self, rows: int) -> None:
        with self._lock:
            self.in_flight -= rows
        self.metrics.queue_depth.set(self.in_flight)

    async def score(self, reward: str, rows: list[Any]) -> list[ScoredSample]:
        """Score rows (dataset rows or Samples) with a served reward; results in input order.

        Admission happens first (Overloaded when full). Cancelling the calling task cancels the
        rows still in the runner.
        """
        served = self.resolve(reward)
        self.admit(len(rows))
        served.users += 1
        started = time.perf_counter()
        try:
            out = await self._score_all(served, rows)
            by_status = Counter(result.status.value for scored in out for result in scored.results)
            for status, count in by_status.items():  # one metric update per status, not per result
                self.metrics.scores.labels(served.name, status).inc(count)
            self.metrics.sample_latency.labels(served.name).observe(time.perf_counter() - started)
            return out
        except asyncio.CancelledError:
            self.metrics.cancelled.inc(len(rows))
            raise
        finally:
            served.users -= 1
            self.release(len(rows))


def _to_sample(row: Any) -> Any:
    """A dataset row as `rmg score` reads it; a row that cannot be read becomes its error."""
    if not isinstance(row, dict):
        return ValueError(f"a row must be a JSON object, got {type(row).__name__}")
    try:
        return row_to_sample(row)
    except ValueError as exc:
        return exc


def scored_to_json(scored: ScoredSample, row: Any = None) -> dict[str, Any]:
    """One row's entry in a /v1/score response; the row's own id even when the row was unreadable."""
    row_id = scored.sample.id
    if row_id is None and isinstance(row, dict) and isinstance(row.get("id"), (str, int)):
        row_id = row["id"]
    out: dict[str, Any] = {
        "index": scored.index,
        "id": row_id,
        "results": [result_to_json(r) for r in scored.results],
    }
    if len(scored.results) > 1:
        out["ranking"] = scored.ranking
        out["best"] = scored.best
    return out
