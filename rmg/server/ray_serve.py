"""The same app as a Ray Serve deployment: `rmg serve --ray [ADDRESS] --replicas N`.

Each replica holds the whole service (one long-lived Runner per served reward, its own process
pool) and runs the very FastAPI app of `rmg serve`, so auth, limits, statuses and metrics are the
same; Ray Serve spreads requests over replicas. Request batching: `/v1/score` and `/get_reward`
requests that reach a replica together are merged per reward into one runner pass
(`serve.batch`), then split back, so many small requests cost one pipeline instead of many.
A merged pass is not cancelled when one of its clients goes away (the others still want it).
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import MutableMapping
from typing import Any

from ray import serve
from starlette.requests import Request
from starlette.responses import Response

from rmg.core.schema import ScoredSample

from .config import ServerConfig
from .service import RewardService

__all__ = ["BatchedService", "RewardDeployment", "build_app", "run_ray"]

MAX_BATCH_REQUESTS = 64
BATCH_WAIT_S = 0.002


class BatchedService(RewardService):
    """A RewardService whose concurrent score() calls are merged per reward (Ray Serve batching)."""

    def __init__(self, config: ServerConfig) -> None:
        from prometheus_client import Histogram

        super().__init__(config)
        self.batch_sizes = Histogram(
            "rmg_ray_batch_requests",
            "Requests merged into one runner pass (Ray Serve batching)",
            buckets=(1, 2, 4, 8, 16, 32, 64),
            registry=self.metrics.registry,
        )

    async def score(self, reward: str, rows: list[Any]) -> list[ScoredSample]:
        outcome = await self._merged((reward, rows))
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    @serve.batch(max_batch_size=MAX_BATCH_REQUESTS, batch_wait_timeout_s=BATCH_WAIT_S)
    async def _merged(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        self.batch_sizes.observe(len(calls))
        out: list[Any] = [None] * len(calls)
        by_reward: dict[str, list[int]] = {}
        for i, (reward, _) in enumerate(calls):
            by_reward.setdefault(reward, []).append(i)

        async def one(reward: str, members: list[int]) -> None:
            rows = [row for i in members for row in calls[i][1]]
            try:
                scored = await RewardService.score(self, reward, rows)
            except Exception as exc:
                for i in members:
                    out[i] = exc
                return
            start = 0
            for i in members:
                n = len(calls[i][1])
                out[i] = [s.model_copy(update={"index": s.index - start}) for s in scored[start : start + n]]
                start += n

        await asyncio.gather(*(one(reward, members) for reward, members in by_reward.items()))
        return out


# num_cpus 0: the replica's pool processes use the CPUs. max_ongoing_requests: enough requests in a
# replica at once to fill a batch (Ray Serve's default of 5 would cap batches at 5); admission
# control (429) still bounds the rows in flight.
@serve.deployment(
    ray_actor_options={"num_cpus": 0}, max_ongoing_requests=4 * MAX_BATCH_REQUESTS, graceful_shutdown_timeout_s=60
)
class RewardDeployment:
    def __init__(self, config: ServerConfig) -> None:
        from .app import create_app

        self.service = BatchedService(config)
        self.service.build()
        self.service.ready = True
        self.app = create_app(config, self.service)  # its lifespan is not run: the service is built here

    async def __call__(self, request: Request) -> Response:
        """Run the request through the FastAPI app (a plain ASGI call) and return its response."""
        started: dict[str, Any] = {}
        body: list[bytes] = []

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(request.scope, request.receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in started.get("headers", [])}
        headers.pop("content-length", None)
        return Response(b"".join(body), status_code=started.get("status", 500), headers=headers)


def build_app(config: ServerConfig, replicas: int = 1) -> Any:
    # serve.deployment turned the class into a Deployment; mypy sees the class, as it cannot see
    # through Ray's decorator (reported as untyped).
    return RewardDeployment.options(num_replicas=replicas).bind(config)  # type: ignore[attr-defined]


def run_ray(config: ServerConfig, *, address: str, replicas: int) -> None:
    """Start (or join) Ray, serve the deployment on config.host:port, block until SIGINT / SIGTERM
    (Ray installs its own SIGTERM handler in some versions: the process then exits with 15)."""
    import ray

    ray.init(address=None if address == "auto" else address, ignore_reinit_error=True)
    stop = threading.Event()  # set before serve.run: a signal during start-up still stops cleanly
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    serve.start(http_options={"host": config.host, "port": config.port})
    serve.run(build_app(config, replicas), name="rmg", route_prefix="/")
    print(f"rmg serve (Ray Serve, {replicas} replica(s)) on http://{config.host}:{config.port}", flush=True)
    stop.wait()
    serve.shutdown()
    ray.shutdown()
