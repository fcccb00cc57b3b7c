"""A scripted OpenAI-compatible chat server on 127.0.0.1, for tests of model rewards.

`ScriptedLLMServer(responder, faults=None)` serves `POST /v1/chat/completions` and
`GET /v1/models` from a background thread; the real `openai` client talks real HTTP to it:

    with ScriptedLLMServer(lambda request: Reply("Score: 7")) as server:
        model = create_chat_model("scripted", base_url=server.base_url)

The responder decides each reply: a callable `responder(request: dict) -> str | Reply` (sync or
async), a single string, or a list of strings/Replies replayed in order and cycled. Faults are
scripted per reply (`Reply(status=429, retry_after=1)`, `delay`, `drop`, `truncate`,
`malformed`) or drawn at random before the responder runs (`Faults(rate_429=0.2, seed=0)`).

Built on asyncio streams with HTTP/1.1 keep-alive and only the stdlib: it ships in `rmg.testing`
for plugin authors, and `http.server` (a thread per connection) does not keep up with hundreds of
keep-alive clients. Usage is computed (whitespace token counts) so accounting can be checked.
`python -m rmg.testing.llm_server` serves from a process of its own (for benchmarks).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import itertools
import json
import random
import threading
import time
from typing import Any

from .llm_script import Faults, Reply, Responder, as_callable, count_tokens

__all__ = ["Faults", "Reply", "ScriptedLLMServer"]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    408: "Request Timeout",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_MAX_BODY = 64 * 1024 * 1024


class ScriptedLLMServer:
    """An OpenAI-compatible chat server on 127.0.0.1 with scripted replies and injectable faults.

    Attributes: `base_url` ("http://127.0.0.1:PORT/v1"), `requests` (received bodies, a copy),
    `headers` (theirs), `counts` (requests, replies per status, faults per kind), `in_flight`,
    `max_in_flight` (requests being answered at once), `errors` (responder exceptions → 500).
    """

    def __init__(
        self,
        responder: Responder = None,
        faults: Faults | None = None,
        *,
        model: str = "scripted",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.responder = as_callable(responder)
        self.faults = faults
        self.model = model
        self.host, self.port = host, port
        self._rng = random.Random(faults.seed if faults else 0)
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        self._headers: list[dict[str, str]] = []
        self.counts: dict[str, int] = {}
        self.errors: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._conns: set[asyncio.Task[None]] = set()
        self._ids = itertools.count()

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> ScriptedLLMServer:
        if self._thread is not None:
            return self
        started = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve, self.host, self.port, backlog=2048, limit=_MAX_BODY)
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:
                failure.append(exc)
            started.set()
            try:
                if not failure:
                    loop.run_forever()
                    loop.run_until_complete(self._shutdown())
            finally:
                loop.close()

        self._thread = threading.Thread(target=main, name="rmg-scripted-llm", daemon=True)
        self._thread.start()
        started.wait()
        if failure:
            self._thread = None
            raise failure[0]
        return self

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        conns = list(self._conns)
        for task in conns:
            task.cancel()
        await asyncio.gather(*conns, return_exceptions=True)

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        thread.join(timeout=10)

    def __enter__(self) -> ScriptedLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- observations ----------------------------------------------------------------------------
    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests)

    @property
    def headers(self) -> list[dict[str, str]]:
        """The HTTP headers (lower-case names) of each received chat request, in order."""
        with self._lock:
            return list(self._headers)

    def _count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def reset(self) -> None:
        """Forget the requests and counters seen so far."""
        with self._lock:
            for collected in (self._requests, self._headers, self.counts, self.errors):
                collected.clear()
            self.max_in_flight = self.in_flight

    # -- HTTP ------------------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        try:
            while await self._one(reader, writer):
                pass
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
            asyncio.CancelledError,
        ):
            pass  # the client went away, sent garbage, or the server is stopping
        finally:
            self._conns.discard(task)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection should close."""
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, version = (lines[0].split(" ") + ["", ""])[:3]
        headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if ":" in x)}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = await _read_chunked(reader)
        else:
            length = int(headers.get("content-length", "0") or 0)
            if length > _MAX_BODY:
                await _send(writer, 413, _error("request too large", "invalid_request_error"), close=True)
                return False
            body = await reader.readexactly(length) if length else b""
        keep_alive = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
        path = path.split("?", 1)[0].rstrip("/")
        if method == "GET" and path in ("/v1/models", "/models"):
            data = {"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "rmg"}]}
            await _send(writer, 200, json.dumps(data).encode(), close=not keep_alive)
            return keep_alive
        if method != "POST" or path not in ("/v1/chat/completions", "/chat/completions"):
            await _send(writer, 404, _error(f"no route {method} {path}", "not_found"), close=not keep_alive)
            return keep_alive
        try:
            request = json.loads(body)
            if not isinstance(request, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            await _send(writer, 400, _error(f"invalid JSON body: {exc}", "invalid_request_error"), close=not keep_alive)
            return keep_alive
        with self._lock:
            self._requests.append(request)
            self._headers.append(headers)
            self.counts["requests"] = self.counts.get("requests", 0) + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._answer(request, writer, keep_alive)
        finally:
            with self._lock:
                self.in_flight -= 1

    async def _answer(self, request: dict[str, Any], writer: asyncio.StreamWriter, keep_alive: bool) -> bool:
        fault = None
        if self.faults is not None:
            with self._lock:
                fault = self.faults.draw(self._rng)
        if fault is not None:
            self._count(f"fault_{fault}")
        if fault is not None and fault != "slow":
            assert self.faults is not None
            reply = self.faults.reply(fault)
        else:
            try:
                result = self.responder(request)
                if inspect.isawaitable(result):
                    result = await result
                reply = result if isinstance(result, Reply) else Reply(str(result))
            except Exception as exc:
                with self._lock:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                reply = Reply(status=500, content=f"responder raised {type(exc).__name__}: {exc}")
            if fault == "slow":
                assert self.faults is not None
                reply = dataclasses.replace(reply, delay=max(reply.delay, self.faults.slow_delay))
        if reply.delay > 0:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            self._count("dropped")
            writer.transport.abort()
            return False
        self._count(f"status_{reply.status}")
        close = not keep_alive
        if reply.status != 200:
            extra = {} if reply.retry_after is None else {"Retry-After": f"{reply.retry_after:g}"}
            kind = "rate_limit_error" if reply.status == 429 else "server_error"
            message = reply.content or _REASONS.get(reply.status, "error")
            await _send(writer, reply.status, _error(message, kind), close=close, headers=extra)
            return keep_alive
        if reply.malformed:
            await _send(writer, 200, b'{"id": "chatcmpl-x", "choices": [{"message": <<not json>>', close=close)
            return keep_alive
        payload = json.dumps(reply.body if reply.body is not None else self._completion(request, reply)).encode()
        if reply.truncate:
            payload = payload[: len(payload) // 2]
        await _send(writer, 200, payload, close=close)
        return keep_alive

    def _completion(self, request: dict[str, Any], reply: Reply) -> dict[str, Any]:
        content = reply.content
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if reply.reasoning is not None:
            if reply.reasoning_field == "think":
                message["content"] = f"<think>{reply.reasoning}</think>{content}"
            else:
                message[reply.reasoning_field] = reply.reasoning
        prompt = sum(
            count_tokens(m.get("content") if isinstance(m.get("content"), str) else json.dumps(m.get("content")))
            for m in request.get("messages") or []
        )
        reasoning_tokens = count_tokens(reply.reasoning)
        completion = count_tokens(content) + reasoning_tokens
        usage = reply.usage or {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
        }
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model") or self.model,
            "usage": usage,
            "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}],
        }


def _error(message: str, kind: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": None}}).encode()


async def _send(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    *,
    close: bool = False,
    headers: dict[str, str] | None = None,
) -> None:
    head = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        f"Connection: {'close' if close else 'keep-alive'}",
    ]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()
    if close:
        writer.close()


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        total += size
        if total > _MAX_BODY:
            raise ValueError("chunked body too large")
        if size == 0:
            await reader.readuntil(b"\r\n")  # trailers are not supported: only the final CRLF
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


def main(argv: list[str] | None = None) -> None:
    """Serve from a process of its own (benchmarks: no GIL shared with the client); prints the base URL."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m rmg.testing.llm_server", description=main.__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reply", default=None, help="a fixed reply (default: echo the last message)")
    for kind in ("429", "500", "slow", "malformed", "truncate", "drop"):
        parser.add_argument(f"--rate-{kind}", type=float, default=0.0, help=f"share of {kind} faults")
    parser.add_argument("--slow-delay", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rates = {f"rate_{k}": getattr(args, f"rate_{k}") for k in ("429", "500", "slow", "malformed", "truncate", "drop")}
    faults = Faults(**rates, slow_delay=args.slow_delay, seed=args.seed) if any(rates.values()) else None
    with ScriptedLLMServer(args.reply, faults, port=args.port) as server:
        print(server.base_url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
