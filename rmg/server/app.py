"""The FastAPI app: /v1/score, /v1/rewards, /get_reward (OpenRLHF), /health, /ready, /metrics, `/`.

FastAPI was chosen for its request validation and generated OpenAPI docs; uvicorn serves it. The
app is a thin layer over `RewardService`: validation, limits, HTTP status codes, and cancelling a
request's work when its client goes away.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from rmg.core.registry import RegistryError
from rmg.core.schema import ScoredSample

from .config import ServerConfig
from .direct import direct_json
from .middleware import ServiceMiddleware
from .models import OpenRLHFRequest, OpenRLHFResponse, ScoreRequest, ScoreResponse
from .openrlhf import to_response, to_rows
from .service import NotServed, Overloaded, RewardService, scored_to_json

__all__ = ["create_app"]

CLIENT_GONE = 499  # nginx's code for "client closed the request"; only ever seen in metrics
WATCH_AFTER = 0.05  # seconds of work before a request watches for its client going away


class ClientGone(Exception):
    pass


async def _unless_disconnected(request: Request, work: Awaitable[Any]) -> Any:
    """Await `work` in this task; if the client disconnects first, cancel it (its rows' workers are stopped).

    The watcher starts only once the work has run `WATCH_AFTER` seconds: a rule reward answers in
    about a millisecond, and a watcher task per request cost a third of the server's time.
    """
    this = asyncio.current_task()
    gone = False
    watcher: asyncio.Task[None] | None = None

    async def watch() -> None:
        nonlocal gone
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone = True
        if this is not None:
            this.cancel()

    def start_watching() -> None:
        nonlocal watcher
        watcher = asyncio.ensure_future(watch())

    later = asyncio.get_running_loop().call_later(WATCH_AFTER, start_watching)
    try:
        return await work
    except asyncio.CancelledError:
        if not gone:
            raise
        uncancel = getattr(this, "uncancel", None)  # 3.11+: this task goes on, to record the 499
        if uncancel is not None:
            uncancel()
        raise ClientGone() from None
    finally:
        later.cancel()
        if watcher is not None:
            watcher.cancel()


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def _score(
    service: RewardService, request: Request, reward: str, rows: list[Any]
) -> list[ScoredSample] | Response:
    limit = service.config.max_batch
    if len(rows) > limit:
        return _error(
            422, f"batch of {len(rows)} rows exceeds the server's limit of {limit} rows per request (--max-batch)"
        )
    if not rows:
        return []
    try:
        return await _unless_disconnected(request, service.score(reward, rows))
    except NotServed as exc:
        return _error(404, str(exc))
    except RegistryError as exc:  # a bad spec (with --allow-any-spec)
        return _error(422, f"bad reward spec: {exc}")
    except Overloaded as exc:
        return _error(429, str(exc), {"Retry-After": str(exc.retry_after)})
    except ClientGone:
        return Response(status_code=CLIENT_GONE)


def create_app(config: ServerConfig, service: RewardService | None = None) -> FastAPI:
    service = service or RewardService(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        if getattr(app.state, "freeze_gc", False):
            # Everything built at start lives as long as the server: keep the collector from
            # scanning it again and again (full collections were the long latency tails).
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await service.stop()

    # What the routes do, shared with the direct handlers (rmg.server.direct) that skip FastAPI.
    async def score_rows(request: Request, body: ScoreRequest) -> Response:
        scored = await _score(service, request, body.reward, body.rows)
        if isinstance(scored, Response):
            return scored
        return JSONResponse(
            {"reward": body.reward, "results": [scored_to_json(s, row) for s, row in zip(scored, body.rows)]}
        )

    async def score_openrlhf(request: Request, body: OpenRLHFRequest, reward: str | None = None) -> Response:
        name = reward or config.openrlhf_reward
        if name is None:
            return _error(404, "no reward to score with: serve one with --reward NAME=SPEC or pass ?reward=SPEC")
        try:
            rows = to_rows(body)
        except ValueError as exc:
            return _error(422, str(exc))
        scored = await _score(service, request, name, rows)
        if isinstance(scored, Response):
            return scored
        return JSONResponse(to_response(scored))

    app = FastAPI(
        title="rmg reward service",
        version="1",
        description="Score rows with served rewards. Failures are statuses (ok / timeout / error / invalid_input).",
        lifespan=lifespan,
    )
    app.state.service = service

    @app.get("/health", summary="Liveness: the process answers")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "ready": service.ready, "in_flight": service.in_flight}

    @app.get("/ready", summary="Readiness: pools started and warm", responses={503: {"description": "starting"}})
    async def ready() -> Response:
        if service.ready:
            return JSONResponse({"ready": True, "rewards": sorted(service.served)})
        return _error(503, "starting: reward pools are warming up")

    @app.get("/metrics", summary="Prometheus metrics")
    async def metrics() -> Response:
        for served in list(service.served.values()):
            service.check_pool(served)
        return Response(service.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/v1/rewards", summary="The served rewards, their specs and parameters")
    async def rewards() -> dict[str, Any]:
        return {
            "rewards": service.describe(),
            "allow_any_spec": config.allow_any_spec,
            "openrlhf_reward": config.openrlhf_reward,
            "limits": {
                "max_batch": config.max_batch,
                "max_body_bytes": config.max_body_bytes,
                "max_queue": config.max_queue,
            },
        }

    @app.post(
        "/v1/score",
        response_model=ScoreResponse,
        summary="Score a batch of rows (pointwise, pairwise, listwise or a group of responses)",
        responses={
            404: {"description": "reward not served"},
            413: {"description": "body too large"},
            422: {"description": "invalid request, batch too large or bad spec"},
            429: {"description": "queue full; see Retry-After"},
        },
    )
    async def score(body: ScoreRequest, request: Request) -> Response:
        return await score_rows(request, body)

    @app.post(
        "/get_reward",
        response_model=OpenRLHFResponse,
        summary="OpenRLHF's remote reward protocol (--reward.remote_url http://HOST:PORT/get_reward)",
        responses={404: {"description": "no reward to score with"}, 429: {"description": "queue full"}},
    )
    async def get_reward(body: OpenRLHFRequest, request: Request, reward: str | None = None) -> Response:
        return await score_openrlhf(request, body, reward)

    page = resources.files("rmg.server").joinpath("playground.html").read_text(encoding="utf-8")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def playground() -> HTMLResponse:
        return HTMLResponse(page)

    direct = {
        "/v1/score": direct_json(ScoreRequest, score_rows),
        "/get_reward": direct_json(OpenRLHFRequest, score_openrlhf),
    }
    app.add_middleware(
        ServiceMiddleware,
        api_key=config.api_key,
        max_body_bytes=config.max_body_bytes,
        metrics=service.metrics,
        direct=direct,
    )
    return app
