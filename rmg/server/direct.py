"""The hot endpoints as plain ASGI handlers: a well-formed JSON body skips FastAPI's machinery.

FastAPI's routing, dependency solving and exception layers cost a rule-reward request about twice
what scoring it does. `ServiceMiddleware` (which has read the body already) offers the body of
`POST /v1/score` and `POST /get_reward` to a direct handler first. The handler parses and validates
it with the same pydantic model the FastAPI route declares and calls the same function the route
calls. Whatever it does not take (another content type, a query string, a body that does not
parse or validate) goes on to the FastAPI route, which owns the documented contract and its error
responses; so both paths answer alike.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope

from .middleware import DirectHandler

__all__ = ["direct_json"]

Body = TypeVar("Body", bound=BaseModel)


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json"
    return False


def direct_json(model: type[Body], handle: Callable[[Request, Body], Awaitable[Response]]) -> DirectHandler:
    """A direct handler: `handle(request, body)` for a JSON body that `model` validates, else None."""

    async def direct(scope: Scope, receive: Receive, raw: bytes) -> Response | None:
        if scope.get("query_string") or not _is_json(scope):
            return None
        try:
            parsed: Any = json.loads(raw)  # as FastAPI parses it (NaN and all), then the same model
            body = model.model_validate(parsed)
        except Exception:  # the route answers it: a 422 naming the field, or a 400 for a body that won't parse
            return None
        return await handle(Request(scope, receive), body)

    return direct
