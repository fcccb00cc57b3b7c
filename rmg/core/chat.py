"""The one async chat-model protocol every model reward (and later every agent) talks to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = ["ChatError", "ChatModel", "ChatResponse", "ChatTimeout", "Usage"]


@dataclass
class Usage:
    """Token usage of one call, or summed over many.

    `calls` counts answers from the model; `cached_calls` answers from the response cache, which
    cost nothing (their tokens are not added again).
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    calls: int = 0
    cached_calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.reasoning_tokens += other.reasoning_tokens
        self.calls += other.calls
        self.cached_calls += other.cached_calls

    def as_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "calls": self.calls,
            "cached_calls": self.cached_calls,
        }


@dataclass
class ChatResponse:
    """A model's answer, with its reasoning ("thinking") kept apart from the content."""

    content: str
    reasoning: str | None = None
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    finish_reason: str | None = None
    cached: bool = False
    raw: Any = None  # what the backend got: the decoded JSON body for OpenAI-compatible servers


class ChatError(Exception):
    """A call failed for good (after retries); `retryable` says whether a later retry may help."""

    def __init__(self, message: str, *, retryable: bool = False, status_code: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status_code = status_code


class ChatTimeout(ChatError):
    """A call exceeded its per-request timeout (after retries)."""


@runtime_checkable
class ChatModel(Protocol):
    """Anything that can answer a chat: OpenAI-compatible endpoints, vLLM, LangChain models."""

    name: str

    async def chat(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        **options: Any,
    ) -> ChatResponse: ...
