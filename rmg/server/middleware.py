"""Pure ASGI middleware: API-key check, request-body limit, per-endpoint request metrics, direct handlers.

Pure ASGI rather than Starlette's BaseHTTPMiddleware: the latter runs the app in another task,
which breaks the score endpoint's detection of a client that went away.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .metrics import Metrics

# Given a request's scope, receive and whole body: the response, or None to pass it to the app.
DirectHandler = Callable[[Scope, Receive, bytes], Awaitable["Response | None"]]

# Paths anyone may read: probes for load balancers, the docs and the (static) playground page.
OPEN_PATHS = frozenset({"/", "/health", "/ready", "/docs", "/openapi.json", "/docs/oauth2-redirect", "/redoc"})
KNOWN_PATHS = frozenset({"/v1/score", "/v1/rewards", "/get_reward", "/metrics"}) | OPEN_PATHS


async def _send_json(
    send: Send, status: int, payload: dict[str, Any], headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ServiceMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        api_key: str | None,
        max_body_bytes: int,
        metrics: Metrics,
        direct: Mapping[str, DirectHandler] | None = None,
    ) -> None:
        self.app = app
        self.direct = dict(direct or {})  # POST path -> handler offered the body before the app (rmg.server.direct)
        self.api_key = api_key.encode() if api_key else None
        self.max_body = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        endpoint = path if path in KNOWN_PATHS else "other"
        started = time.perf_counter()
        status = {"code": 500}

        async def send_counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self._handle(scope, receive, send_counted, path)
        finally:
            self.metrics.requests.labels(endpoint, str(status["code"])).inc()
            self.metrics.latency.labels(endpoint).observe(time.perf_counter() - started)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        headers = dict(scope.get("headers") or [])
        if self.api_key is not None and path not in OPEN_PATHS and not self._authorized(headers):
            await _send_json(
                send,
                401,
                {"detail": "missing or wrong API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"},
                [(b"www-authenticate", b"Bearer")],
            )
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        too_big = {"detail": f"request body exceeds the server's limit of {self.max_body} bytes (--max-body)"}
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _send_json(send, 413, too_big)
            return
        # Read the body here (bounded), then hand it to the app; later receives go to the client
        # connection, so the app still learns of a disconnect.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _send_json(send, 413, too_big)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        data = b"".join(chunks)
        direct = self.direct.get(path) if scope.get("method") == "POST" else None
        if direct is not None:
            response = await direct(scope, receive, data)
            if response is not None:
                await response(scope, receive, send)
                return
        body: list[bytes] | None = [data]

        async def replay() -> Message:
            nonlocal body
            if body is not None:
                data, body = body[0], None
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _authorized(self, headers: dict[bytes, bytes]) -> bool:
        assert self.api_key is not None
        given = headers.get(b"x-api-key")
        if given is None:
            auth = headers.get(b"authorization", b"")
            scheme, _, token = auth.partition(b" ")
            given = token.strip() if scheme.lower() == b"bearer" else None
        return given is not None and hmac.compare_digest(given, self.api_key)
