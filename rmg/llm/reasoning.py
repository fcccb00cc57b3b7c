"""Keep a model's reasoning ("thinking") apart from its answer.

Servers deliver reasoning in one of two ways: a separate message field (`reasoning_content` from
vLLM's reasoning parsers and DeepSeek, `reasoning` from newer vLLM, OpenRouter and Ollama), or
inline at the start of the content as `<think>…</think>` (Qwen3, DeepSeek-R1 and QwQ served
without a reasoning parser). Chat templates that open `<think>` in the prompt make the model emit
only the closing tag, so a leading block ending in `</think>` counts too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["REASONING_FIELDS", "join_reasoning", "reasoning_from_fields", "split_think"]

REASONING_FIELDS = ("reasoning_content", "reasoning")

_OPEN = re.compile(r"\A\s*<think>", re.IGNORECASE)
_CLOSE = re.compile(r"</think>", re.IGNORECASE)


def split_think(content: str) -> tuple[str, str | None]:
    """Split `<think>reasoning</think>answer` into (answer, reasoning); other text is untouched.

    A block opened but never closed (the model hit max_tokens while thinking) is all reasoning.
    """
    opened = _OPEN.match(content)
    start = opened.end() if opened else 0
    close = _CLOSE.search(content, start)
    if close is None:
        if opened:
            return "", content[start:].strip()
        return content, None
    if not opened and "<think>" in content[: close.start()].lower():
        return content, None  # a nested or mid-text tag: not a leading reasoning block
    return content[close.end() :].lstrip(), content[start : close.start()].strip()


def reasoning_from_fields(message: Any) -> str | None:
    """The reasoning a server put in a separate field of the message (object or mapping)."""
    for name in REASONING_FIELDS:
        if isinstance(message, Mapping):
            value = message.get(name)
        else:
            value = getattr(message, name, None)
            extra = getattr(message, "model_extra", None)  # pydantic keeps unknown fields here
            if value is None and isinstance(extra, dict):
                value = extra.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def join_reasoning(*parts: str | None) -> str | None:
    """Both sources at once is rare (a parser that left a tag behind): keep all of it, in order."""
    kept = [p for p in parts if p]
    return "\n\n".join(kept) if kept else None
