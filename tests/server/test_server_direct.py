"""`direct_json`: which requests the direct handlers take, and which they leave to the FastAPI route."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from rmg.server.direct import direct_json
from rmg.server.models import ScoreRequest


def _scope(content_type: bytes | None = b"application/json", query: bytes = b"") -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1")]
    if content_type is not None:
        headers.append((b"content-type", content_type))
    return {"type": "http", "method": "POST", "path": "/v1/score", "query_string": query, "headers": headers}


async def _receive() -> dict[str, Any]:
    return {"type": "http.disconnect"}


def _offer(scope: dict[str, Any], raw: bytes) -> tuple[Response | None, list[ScoreRequest]]:
    seen: list[ScoreRequest] = []

    async def handle(request: Request, body: ScoreRequest) -> Response:
        seen.append(body)
        return JSONResponse({"reward": body.reward})

    return asyncio.run(direct_json(ScoreRequest, handle)(scope, _receive, raw)), seen


GOOD = json.dumps({"reward": "em", "rows": [{"response": "42"}]}).encode()


def test_a_valid_json_body_is_handled_directly_with_the_routes_model() -> None:
    for content_type in (b"application/json", b"Application/JSON; charset=utf-8"):
        response, seen = _offer(_scope(content_type), GOOD)
        assert response is not None and response.status_code == 200
        assert seen == [ScoreRequest(reward="em", rows=[{"response": "42"}])]


def test_what_the_route_must_answer_is_left_to_it() -> None:
    """Query strings, other or missing content types, and bodies that do not parse or validate
    (the route's 422 or 400 names the problem) are not taken."""
    nested = b"[" * 100_000 + b"]" * 100_000  # json.loads raises RecursionError, not ValueError
    cases = [
        (_scope(query=b"reward=x"), GOOD),
        (_scope(b"text/plain"), GOOD),
        (_scope(b"application/jsonl"), GOOD),
        (_scope(None), GOOD),
        (_scope(), b"{not json"),
        (_scope(), b'{"reward": "em"}'),
        (_scope(), b'{"reward": "em", "rows": [1]}'),
        (_scope(), nested),
    ]
    for scope, raw in cases:
        response, seen = _offer(scope, raw)
        assert response is None and seen == [], (scope, raw[:40])
