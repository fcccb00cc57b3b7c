"""rmg-plugin-format: format rewards (tags, length, repetition, JSON, tool calls, PII, language).

One module per reward: `think_answer`, `length`, `repetition`, `cosine` (length-scaled
correctness), `json_format`, `tool_call`, `privacy`, `language` (+ `language_data`); `text` has
the helpers they share. jsonschema is imported on first use, so loading the plugin stays cheap.
"""

from __future__ import annotations

from typing import Any

import rmg

from .cosine import CosineLength
from .json_format import JsonFormat
from .language import Language
from .length import Length
from .privacy import Privacy
from .repetition import Repetition
from .think_answer import ThinkAnswer
from .tool_call import ToolCall

__all__ = [
    "CosineLength",
    "JsonFormat",
    "Language",
    "Length",
    "Privacy",
    "Repetition",
    "ThinkAnswer",
    "ToolCall",
    "register_rewards",
]

REWARDS = (ThinkAnswer, Length, Repetition, CosineLength, JsonFormat, ToolCall, Privacy, Language)


@rmg.hookimpl
def register_rewards(register: Any) -> None:
    for cls in REWARDS:
        register(cls)
