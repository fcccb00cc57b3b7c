"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, SGLang, gateways) through the official SDK.

The `openai` SDK's `AsyncOpenAI` does the HTTP; its own retries are off (`max_retries=0`) so that
retrying is ours: exponential backoff with jitter on 429 / 408 / 409 / 5xx / connection errors /
timeouts / malformed bodies, honouring `Retry-After`, with a wall-clock timeout per attempt.

An async HTTP client belongs to the event loop it was first used on, so the model keeps one
client and one concurrency semaphore per running loop (a model built at import time works from
`asyncio.run` in any thread; the concurrency limit applies per loop). States of closed loops are
dropped. Token usage is summed on the instance under a lock (`model.usage`, a snapshot).

Requests go through the SDK's generic `client.post("/chat/completions", cast_to=bytes)`: the
request body is sent as given, so server-specific options (vLLM's `top_k`, `min_p`,
`repetition_penalty`, `chat_template_kwargs`, ...) work as plain keyword options, and the answer
is decoded here into a plain dict (`ChatResponse.raw`), cheaper than the SDK's typed models. The HTTP
transport is aiohttp when `openai[aiohttp]` is installed (the SDK's own option, about twice the
throughput of httpx at high concurrency here), else httpx.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from rmg.core.chat import ChatError, ChatResponse, ChatTimeout, Usage

from .cache import ResponseCache, open_cache
from .meter import MeteredModel, UsageMeter
from .reasoning import join_reasoning, reasoning_from_fields, split_think
from .retry import RetryPolicy, is_retryable_status, parse_retry_after

__all__ = ["OpenAIChatModel", "resolve_endpoint"]

_NO_KEY = "EMPTY"  # what vLLM and most local servers accept when they check no key


def resolve_endpoint(model: str | None, base_url: str | None, api_key: str | None) -> tuple[str, str | None, str]:
    """(model, base_url, api_key) from arguments, else the environment; ChatError names what is missing."""
    model = model or os.environ.get("RMG_MODEL")
    base_url = base_url or os.environ.get("RMG_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
    api_key = api_key or os.environ.get("RMG_API_KEY") or os.environ.get("OPENAI_API_KEY")
    if not model:
        raise ChatError("no model name: pass model=... (e.g. the id a vLLM server serves) or set RMG_MODEL")
    if not base_url and not api_key:
        raise ChatError(
            f"no endpoint for model {model!r}: pass base_url=... or set RMG_BASE_URL / OPENAI_BASE_URL for an "
            "OpenAI-compatible server, or set OPENAI_API_KEY to use api.openai.com"
        )
    return model, base_url or None, api_key or _NO_KEY


# httpx's pool scans every connection on each request: past ~32 connections per pool that scan
# dominates (calls/s fell from 160 at 64 connections to 97 at 256 here), so httpx gets several pools.
_HTTPX_POOL = 32


@dataclass
class _LoopState:
    loop: asyncio.AbstractEventLoop
    clients: list[Any]
    semaphore: asyncio.Semaphore
    closer: AsyncGenerator[None, None] | None = None
    turn: int = 0

    def client(self) -> Any:
        self.turn = (self.turn + 1) % len(self.clients)  # round robin; one loop thread, no lock
        return self.clients[self.turn]


async def _close_at_shutdown(clients: list[Any]) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)


def _aiohttp_client(backend: str, limits: Any, timeout: float) -> Any:
    """The SDK's aiohttp transport when wanted and installed (`openai[aiohttp]`), else None (httpx)."""
    if backend == "httpx":
        return None
    import openai

    try:
        import aiohttp  # noqa: F401 - the SDK's aiohttp client needs it

        return openai.DefaultAioHttpClient(limits=limits, timeout=timeout)
    except (ImportError, AttributeError, RuntimeError) as exc:  # an SDK without it, or no aiohttp
        if backend == "aiohttp":
            raise ChatError(f"http_backend='aiohttp' needs pip install 'openai[aiohttp]' ({exc})") from None
        return None


if sys.version_info >= (3, 11):
    _deadline = asyncio.timeout
else:  # pragma: no cover - 3.10
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def _deadline(seconds: float | None) -> Any:
        task = asyncio.current_task()
        assert task is not None
        handle = asyncio.get_running_loop().call_later(seconds, task.cancel) if seconds else None
        try:
            yield
        except asyncio.CancelledError as exc:
            if handle is not None and handle.when() <= asyncio.get_running_loop().time():
                raise TimeoutError from exc
            raise
        finally:
            if handle is not None:
                handle.cancel()


class OpenAIChatModel(MeteredModel):
    """A `ChatModel` for an OpenAI-compatible endpoint.

    `timeout` bounds each attempt (seconds); `max_retries` more attempts follow a retryable
    failure; `concurrency` bounds requests in flight (per event loop); `cache` is False, True
    (the default file) or a path; `options` are default sampling options for every call.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        cache: bool | str | os.PathLike[str] | ResponseCache | None = False,
        concurrency: int = 64,
        timeout: float = 60.0,
        max_retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_retry_after: float = 60.0,
        default_headers: dict[str, str] | None = None,
        http_backend: str = "auto",
        **options: Any,
    ) -> None:
        self.name, self.base_url, self._api_key = resolve_endpoint(model, base_url, api_key)
        self.cache: ResponseCache | None = open_cache(cache)
        self.concurrency = max(1, int(concurrency))
        self.timeout = float(timeout)
        self.retry = RetryPolicy(
            max_retries=max(0, int(max_retries)),
            backoff=backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
        )
        self.default_headers = dict(default_headers or {})
        self.http_backend = http_backend
        self._is_openai = self.base_url is None or "api.openai.com" in self.base_url
        if http_backend not in ("auto", "aiohttp", "httpx"):
            raise ChatError(f"unknown http_backend {http_backend!r}: use 'auto', 'aiohttp' or 'httpx'")
        import openai  # noqa: F401 - import the SDK now (a second or so), not inside a running loop

        self.options = options
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._states: dict[int, _LoopState] = {}
        self._lock = threading.Lock()
        self._meter = UsageMeter()
        self._rng = random.Random()

    def __repr__(self) -> str:
        return f"OpenAIChatModel({self.name!r}, base_url={self.base_url!r})"

    # pickling (process pools, Ray): clients, locks and loops stay behind and are rebuilt lazily
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_states", "_lock", "_meter", "_rng")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    # -- usage -----------------------------------------------------------------------------------

    # -- per-loop client -------------------------------------------------------------------------
    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._states.get(id(loop))
        if state is not None and state.loop is loop:
            return state
        with self._lock:
            for key in [k for k, s in self._states.items() if s.loop.is_closed()]:
                del self._states[key]
            state = self._states.get(id(loop))
            if state is None or state.loop is not loop:
                state = _LoopState(loop, self._new_clients(), asyncio.Semaphore(self.concurrency))
                self._states[id(loop)] = state
        return state

    async def _closer_started(self, state: _LoopState) -> None:
        # An async generator is closed by `loop.shutdown_asyncgens()`, which `asyncio.run` calls
        # before closing the loop: the one hook that closes the client while its loop still runs.
        if state.closer is None:
            state.closer = _close_at_shutdown(state.clients)
            await state.closer.__anext__()

    def _new_clients(self) -> list[Any]:
        import openai

        def limits(size: int) -> Any:  # the SDK's default keeps only 100 idle connections
            return type(openai.DEFAULT_CONNECTION_LIMITS)(max_connections=size, max_keepalive_connections=size)

        transport = _aiohttp_client(self.http_backend, limits(self.concurrency), self.timeout)
        if transport is not None:
            transports = [transport]
        else:
            pools = -(-self.concurrency // _HTTPX_POOL)
            size = -(-self.concurrency // pools)
            transports = [
                openai.DefaultAsyncHttpxClient(limits=limits(size), timeout=self.timeout) for _ in range(pools)
            ]
        return [
            openai.AsyncOpenAI(
                base_url=self.base_url,
                api_key=self._api_key,
                max_retries=0,
                timeout=self.timeout,
                http_client=http_client,
                default_headers=self.default_headers or None,
            )
            for http_client in transports
        ]

    async def aclose(self) -> None:
        """Close the HTTP client of the running loop (`asyncio.run` also closes it at its end)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            state = self._states.pop(id(loop), None)
        if state is not None:
            if state.closer is not None:
                await state.closer.aclose()
            else:
                await asyncio.gather(*(client.close() for client in state.clients))

    # -- chat ------------------------------------------------------------------------------------
    async def chat(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        **options: Any,
    ) -> ChatResponse:
        """One chat completion; raises ChatTimeout / ChatError once retries are spent.

        Extra keyword `timeout` overrides the per-attempt timeout for this call.
        """
        timeout = float(options.pop("timeout", self.timeout))
        request = self._request(messages, temperature, max_tokens, options)
        return await self._through_cache(
            self.cache, {"base_url": self.base_url, **request}, lambda: self._with_retries(request, timeout)
        )

    def _request(
        self, messages: list[dict[str, str]], temperature: float | None, max_tokens: int | None, options: dict[str, Any]
    ) -> dict[str, Any]:
        options = {**self.options, **options}
        extra_body = options.pop("extra_body", None) or {}  # the SDK's way to pass server options
        request: dict[str, Any] = {"model": self.name, "messages": list(messages), **options, **extra_body}
        if temperature is not None:
            request["temperature"] = temperature
        if max_tokens is not None:
            # OpenAI's own API refuses max_tokens for reasoning models; vLLM and gateways expect it
            request["max_completion_tokens" if self._is_openai else "max_tokens"] = max_tokens
        return {k: v for k, v in request.items() if v is not None}

    async def _with_retries(self, request: dict[str, Any], timeout: float) -> ChatResponse:
        state = self._state()
        await self._closer_started(state)
        attempts = self.retry.max_retries + 1
        for attempt in range(attempts):
            try:
                async with state.semaphore, _deadline(timeout):
                    # `post` rather than `chat.completions.create`: the same request, auth and error
                    # mapping, without the per-call typed-params transform (40% of the client's CPU
                    # here), and server-specific options (vLLM's top_k...) pass as is. The body comes
                    # back as bytes: building the SDK's ChatCompletion model cost another 15%.
                    body = await state.client().post(
                        "/chat/completions", body=request, cast_to=bytes, options={"timeout": timeout}
                    )
                return self._parse(body)
            except ChatError as exc:
                error, retry_after = exc, None
            except (TimeoutError, asyncio.TimeoutError):
                error = ChatTimeout(
                    f"no answer from {self.base_url or 'api.openai.com'} within {timeout:g}s", retryable=True
                )
                retry_after = None
            except Exception as exc:
                error, retry_after = _classify(exc, timeout, self.base_url)
            if not error.retryable or attempt == attempts - 1:
                if attempt:
                    error.args = (f"{error.args[0]} (after {attempt + 1} attempts)",)
                raise error
            await asyncio.sleep(self.retry.delay(attempt, retry_after, self._rng))
        raise AssertionError("unreachable")

    def _parse(self, body: bytes) -> ChatResponse:
        """A ChatResponse from the body of a chat completion; `raw` keeps the decoded JSON."""
        where = self.base_url or "api.openai.com"
        try:
            completion = json.loads(body)
        except ValueError:
            raise ChatError(f"malformed response from {where}: not JSON: {body[:200]!r}", retryable=True) from None
        choices = completion.get("choices") if isinstance(completion, dict) else None
        if not isinstance(choices, list) or not choices:
            what = "no choices" if choices in (None, []) else f"choices is {type(choices).__name__}"
            raise ChatError(f"malformed response from {where}: {what}", retryable=True)
        try:
            choice = choices[0]
            message = choice["message"]
            content = message.get("content")
            if content is not None and not isinstance(content, str):
                raise TypeError(f"content is {type(content).__name__}")
            content, think = split_think(content or "")
            reasoning = join_reasoning(reasoning_from_fields(message), think)
            usage = _usage(completion.get("usage"))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ChatError(f"malformed response from {where}: {type(exc).__name__}: {exc}", retryable=True) from exc
        return ChatResponse(
            content=content,
            reasoning=reasoning,
            usage=usage,
            model=completion.get("model") or self.name,
            finish_reason=choice.get("finish_reason"),
            raw=completion,
        )


def _usage(raw: Any) -> Usage:
    usage = Usage(calls=1)
    if not isinstance(raw, dict):
        return usage
    usage.prompt_tokens = int(raw.get("prompt_tokens") or 0)
    usage.completion_tokens = int(raw.get("completion_tokens") or 0)
    details = raw.get("completion_tokens_details")
    usage.reasoning_tokens = int(details.get("reasoning_tokens") or 0) if isinstance(details, dict) else 0
    return usage


def _classify(exc: Exception, timeout: float, base_url: str | None) -> tuple[ChatError, float | None]:
    """A ChatError (retryable or not) and the server's Retry-After hint for an SDK exception."""
    import openai

    where = base_url or "api.openai.com"
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        body = exc.body
        detail = body.get("message") if isinstance(body, dict) else None
        error = ChatError(
            f"HTTP {status} from {where}: {detail or exc.message}",
            retryable=is_retryable_status(status),
            status_code=status,
        )
        return error, parse_retry_after(getattr(exc.response, "headers", None))
    if isinstance(exc, openai.APIResponseValidationError):
        return ChatError(f"malformed response from {where}: {exc}", retryable=True, status_code=exc.status_code), None
    if isinstance(exc, openai.APIConnectionError):
        # The aiohttp transport reports a dropped connection as a timeout: judge by the root cause.
        root: BaseException = exc
        while root.__cause__ is not None:
            root = root.__cause__
        if (root is exc and isinstance(exc, openai.APITimeoutError)) or _is_timeout(root):
            return ChatTimeout(f"no answer from {where} within {timeout:g}s", retryable=True), None
        return ChatError(f"connection to {where} failed: {type(root).__name__}: {root}", retryable=True), None
    if isinstance(exc, ValueError):  # a body that is not JSON (json.JSONDecodeError), or cut short
        return ChatError(f"malformed response body from {where}: {exc}", retryable=True), None
    if isinstance(exc, openai.OpenAIError):
        return ChatError(f"{type(exc).__name__}: {exc}"), None
    raise exc


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__
