"""What the scripted server answers: `Reply` (one scripted reply, faults included), `Faults`
(random faults drawn before the responder runs) and how a responder is turned into a callable."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Faults", "Reply", "Responder", "as_callable", "count_tokens", "echo"]


@dataclass
class Reply:
    """One scripted reply.

    `reasoning` goes in `message.<reasoning_field>` ("reasoning_content" as vLLM/DeepSeek send it,
    or "reasoning"), or at the start of the content as `<think>…</think>` with `"think"`.
    Faults: `status` (with `retry_after` seconds for 429), `delay` before replying, `drop` (close
    the connection without a reply), `truncate` (the JSON body cut in half), `malformed` (a body
    that is not JSON). `body` replaces the whole JSON body (e.g. `{"choices": []}`).
    """

    content: str = ""
    reasoning: str | None = None
    status: int = 200
    retry_after: float | None = None
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False
    malformed: bool = False
    usage: dict[str, Any] | None = None
    finish_reason: str = "stop"
    reasoning_field: str = "reasoning_content"
    body: dict[str, Any] | None = None


@dataclass
class Faults:
    """Random faults drawn per request before the responder runs (seeded, so runs repeat).

    Rates are shares of requests; a slow request waits `slow_delay` seconds, then gets the
    responder's reply. Injected 429s carry `Retry-After: retry_after` (None: no header).
    """

    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_slow: float = 0.0
    slow_delay: float = 5.0
    rate_malformed: float = 0.0
    rate_truncate: float = 0.0
    rate_drop: float = 0.0
    retry_after: float | None = 0.0
    seed: int = 0

    def draw(self, rng: random.Random) -> str | None:
        """The kind of fault for one request ("429", "500", "malformed", "truncate", "drop", "slow") or None."""
        x = rng.random()
        for rate, kind in (
            (self.rate_429, "429"),
            (self.rate_500, "500"),
            (self.rate_malformed, "malformed"),
            (self.rate_truncate, "truncate"),
            (self.rate_drop, "drop"),
            (self.rate_slow, "slow"),
        ):
            if x < rate:
                return kind
            x -= rate
        return None

    def reply(self, kind: str) -> Reply:
        """The reply that stands in for the responder's (a slow fault only delays the real reply)."""
        return {
            "429": Reply(status=429, retry_after=self.retry_after, content="rate limited (injected)"),
            "500": Reply(status=500, content="internal error (injected)"),
            "malformed": Reply(malformed=True),
            "truncate": Reply(truncate=True, content="truncated (injected)"),
            "drop": Reply(drop=True),
        }[kind]


Responder = (
    Callable[[dict[str, Any]], "str | Reply | Awaitable[str | Reply]"] | str | Reply | Sequence["str | Reply"] | None
)


def count_tokens(text: str | None) -> int:  # the scripted server's tokenizer: whitespace-separated words
    return len(text.split()) if text else 0


def echo(request: dict[str, Any]) -> str:
    """The default responder: the content of the last message."""
    messages = request.get("messages") or [{}]
    content = messages[-1].get("content", "")
    return content if isinstance(content, str) else json.dumps(content)


def as_callable(responder: Responder) -> Callable[[dict[str, Any]], Any]:
    if responder is None:
        return echo
    if isinstance(responder, (str, Reply)):
        return lambda request: responder
    if callable(responder):
        return responder
    script = list(responder)
    if not script:
        raise ValueError("an empty script: give at least one reply")
    cycle = itertools.cycle(script)  # responders run on the server's one loop thread: no lock needed
    return lambda request: next(cycle)
