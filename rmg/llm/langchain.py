"""Any LangChain chat model as a `ChatModel`, so LangGraph users can pass the model they already have.

The adapter calls `ainvoke` with the messages as role/content dicts (LangChain converts them),
passes `temperature` / `max_tokens` / other options as invoke keyword arguments (providers such
as ChatOpenAI put them in the request; a model that takes none ignores them), and reads:
- usage from `AIMessage.usage_metadata` (input/output tokens, `output_token_details.reasoning`);
- reasoning from `additional_kwargs["reasoning_content"]` (ChatDeepSeek, vLLM via ChatOpenAI),
  from reasoning/thinking content blocks, or from a leading `<think>…</think>` in the text.
Retries are left to the LangChain model (most have `max_retries`); this adapter adds the
concurrency limit, the per-call timeout (`ChatTimeout`) and the usage total.
`langchain_core` is imported only by code that already holds a LangChain model.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rmg.core.aio import LoopSemaphores
from rmg.core.chat import ChatError, ChatResponse, ChatTimeout, Usage

from .meter import MeteredModel, UsageMeter
from .reasoning import join_reasoning, split_think

__all__ = ["LangChainChatModel"]


class LangChainChatModel(MeteredModel):
    """Wraps a LangChain `BaseChatModel` (anything with `ainvoke` returning an `AIMessage`)."""

    def __init__(
        self,
        chat_model: Any,
        *,
        concurrency: int = 64,
        timeout: float | None = 60.0,
        max_retries: int = 0,
        name: str | None = None,
    ) -> None:
        if not hasattr(chat_model, "ainvoke"):
            raise ChatError(f"not a LangChain chat model (no ainvoke): {chat_model!r}")
        self.chat_model = chat_model
        self.name = name or _model_name(chat_model)
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))  # only timeouts are retried here
        self._semaphores = LoopSemaphores(concurrency)
        self._meter = UsageMeter()

    def __repr__(self) -> str:
        return f"LangChainChatModel({self.chat_model.__class__.__name__}, name={self.name!r})"

    async def chat(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        **options: Any,
    ) -> ChatResponse:
        timeout = options.pop("timeout", self.timeout)
        kwargs = {
            k: v for k, v in {"temperature": temperature, "max_tokens": max_tokens, **options}.items() if v is not None
        }
        for attempt in range(self.max_retries + 1):
            try:
                async with self._semaphores.get():
                    message = await asyncio.wait_for(self.chat_model.ainvoke(list(messages), **kwargs), timeout)
                break
            except asyncio.TimeoutError:
                if attempt == self.max_retries:
                    raise ChatTimeout(f"{self.name}: no answer within {timeout:g}s", retryable=True) from None
            except ChatError:
                raise
            except Exception as exc:
                raise ChatError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        response = self._parse(message)
        self._meter.add(response.usage)
        return response

    def _parse(self, message: Any) -> ChatResponse:
        text, block_reasoning = _text_and_reasoning(getattr(message, "content", message))
        text, think = split_think(text)
        extra = getattr(message, "additional_kwargs", None) or {}
        field = extra.get("reasoning_content") or extra.get("reasoning")
        reasoning = join_reasoning(field if isinstance(field, str) else None, block_reasoning, think)
        meta = getattr(message, "response_metadata", None) or {}
        return ChatResponse(
            content=text,
            reasoning=reasoning,
            usage=_usage(getattr(message, "usage_metadata", None)),
            model=str(meta.get("model_name") or meta.get("model") or self.name),
            finish_reason=meta.get("finish_reason") or meta.get("stop_reason"),
            raw=message,
        )


def _text_and_reasoning(content: Any) -> tuple[str, str | None]:
    """Text and reasoning from a string or a list of content blocks (LangChain v1 / Anthropic)."""
    if isinstance(content, str):
        return content, None
    texts: list[str] = []
    thoughts: list[str] = []
    for block in content or []:
        if isinstance(block, str):
            texts.append(block)
        elif isinstance(block, dict):
            kind = block.get("type")
            if kind == "text":
                texts.append(str(block.get("text", "")))
            elif kind in ("reasoning", "thinking"):
                thoughts.append(str(block.get("reasoning") or block.get("thinking") or ""))
    return "".join(texts), join_reasoning(*thoughts)


def _usage(meta: Any) -> Usage:
    usage = Usage(calls=1)
    if not meta:
        return usage
    usage.prompt_tokens = int(meta.get("input_tokens") or 0)
    usage.completion_tokens = int(meta.get("output_tokens") or 0)
    details = meta.get("output_token_details") or {}
    usage.reasoning_tokens = int(details.get("reasoning") or 0)
    return usage


def _model_name(chat_model: Any) -> str:
    for attr in ("model_name", "model", "model_id", "name"):
        value = getattr(chat_model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(chat_model).__name__
