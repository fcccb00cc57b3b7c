"""In-process vLLM on a local GPU (the `vllm` extra): no server, the engine lives in this process.

Uses vLLM's `AsyncLLMEngine` (the async engine behind `vllm serve`), so many judge calls batch
together on the GPU. The chat template comes from the model's tokenizer; reasoning models'
`<think>…</think>` is split off like everywhere else. `vllm` is imported when the engine is first
needed (first call, or `await model.start()`); without it a ChatError names the extra to install.

The engine belongs to the event loop that started it: use one model from one loop (vLLM's own
limitation). `engine_args` go to `AsyncEngineArgs` (e.g. `tensor_parallel_size`, `max_model_len`,
`gpu_memory_utilization`); call options go to `SamplingParams` (`top_p`, `top_k`, `seed`, `n`...).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import os
import threading
from typing import Any

from rmg.core.aio import LoopSemaphores
from rmg.core.chat import ChatError, ChatResponse, ChatTimeout, Usage

from .cache import ResponseCache, open_cache
from .meter import MeteredModel, UsageMeter
from .reasoning import split_think

__all__ = ["VLLMChatModel", "vllm_unavailable_reason"]

_INSTALL = "in-process vLLM needs the `vllm` extra: pip install 'rmg[vllm]'"


def vllm_unavailable_reason() -> str | None:
    """Why in-process vLLM cannot run here (no vllm, no GPU), or None when it can."""
    try:
        import vllm  # noqa: F401
    except ImportError as exc:
        return f"{_INSTALL} ({exc})"
    try:
        import torch

        if not torch.cuda.is_available():
            return "vllm is installed but no CUDA GPU is visible (torch.cuda.is_available() is False)"
    except ImportError:
        return "vllm is installed but torch is not importable"
    return None


class VLLMChatModel(MeteredModel):
    """A `ChatModel` backed by an in-process vLLM `AsyncLLMEngine`."""

    def __init__(
        self,
        model: str,
        *,
        cache: bool | str | os.PathLike[str] | ResponseCache | None = False,
        concurrency: int = 256,
        timeout: float | None = 600.0,
        engine_args: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        self.name = model
        self.cache = open_cache(cache)
        self.timeout = timeout
        self.engine_args = dict(engine_args or {})
        # backend settings the factory may pass that mean nothing in-process
        for key in ("base_url", "api_key", "max_retries", "backoff", "max_backoff", "default_headers"):
            options.pop(key, None)
        self.options = options
        self._semaphores = LoopSemaphores(concurrency)
        self._meter = UsageMeter()
        self._engine: Any = None
        self._tokenizer: Any = None
        self._start_lock = threading.Lock()
        self._ids = itertools.count()

    def __repr__(self) -> str:
        return f"VLLMChatModel({self.name!r})"

    async def start(self) -> None:
        """Load the model now (otherwise the first call does)."""
        if self._engine is not None:
            return
        try:
            from vllm import AsyncEngineArgs, AsyncLLMEngine
        except ImportError as exc:
            raise ChatError(f"{_INSTALL} ({exc})") from exc
        with self._start_lock:
            if self._engine is None:
                args = AsyncEngineArgs(model=self.name, **self.engine_args)
                self._engine = AsyncLLMEngine.from_engine_args(args)
        tokenizer = self._engine.get_tokenizer()  # a coroutine in most vLLM versions, a value in some
        self._tokenizer = await tokenizer if inspect.isawaitable(tokenizer) else tokenizer

    async def chat(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        **options: Any,
    ) -> ChatResponse:
        timeout = options.pop("timeout", self.timeout)
        sampling = {**self.options, **options}
        if temperature is not None:
            sampling["temperature"] = temperature
        if max_tokens is not None:
            sampling["max_tokens"] = max_tokens
        cache_key = {"backend": "vllm", "model": self.name, "messages": messages, **sampling}
        return await self._through_cache(self.cache, cache_key, lambda: self._answer(messages, sampling, timeout))

    async def _answer(self, messages: list[dict[str, str]], sampling: dict[str, Any], timeout: float) -> ChatResponse:
        await self.start()
        try:
            async with self._semaphores.get():
                return await asyncio.wait_for(self._generate(messages, sampling), timeout)
        except asyncio.TimeoutError:
            raise ChatTimeout(f"vLLM {self.name}: no answer within {timeout:g}s", retryable=True) from None
        except ChatError:
            raise
        except Exception as exc:
            raise ChatError(f"vLLM {self.name}: {type(exc).__name__}: {exc}") from exc

    async def _generate(self, messages: list[dict[str, str]], sampling: dict[str, Any]) -> ChatResponse:
        from vllm import SamplingParams

        template_kwargs = sampling.pop("chat_template_kwargs", None) or {}
        prompt = self._tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True, **template_kwargs
        )
        params = SamplingParams(**sampling)
        final = None
        async for output in self._engine.generate(prompt, params, f"rmg-{next(self._ids)}"):
            final = output
        if final is None or not final.outputs:
            raise ChatError(f"vLLM {self.name}: no output", retryable=True)
        choice = final.outputs[0]
        content, reasoning = split_think(choice.text)
        usage = Usage(
            prompt_tokens=len(final.prompt_token_ids or []), completion_tokens=len(choice.token_ids or []), calls=1
        )
        return ChatResponse(
            content=content,
            reasoning=reasoning,
            usage=usage,
            model=self.name,
            finish_reason=choice.finish_reason,
            raw=final,
        )
