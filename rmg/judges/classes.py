"""Reward classes made from judge definitions: each definition a named judge whose parameter
defaults are the definition's settings (how plugins such as rmg-plugin-alignment ship judges)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, create_model

from rmg.core.reward import Mode, class_name

from .definition import JudgeDefinition
from .judge import JudgeReward

__all__ = ["judge_class"]


def judge_class(
    definition: JudgeDefinition, *, name: str | None = None, module: str | None = None
) -> type[JudgeReward]:
    """A reward class whose parameter defaults come from `definition` (set `module` for pickling)."""
    fields: dict[str, Any] = {}
    for key, value in definition.settings().items():
        field_name = "judge_mode" if key == "mode" else key
        base = JudgeReward.model_fields[field_name]
        if isinstance(value, list):
            default = Field(default_factory=lambda v=value: list(v), alias=base.alias, description=base.description)
        else:  # validated, so "pairwise" becomes Mode.pairwise
            default = Field(value, validate_default=True, alias=base.alias, description=base.description)
        fields[field_name] = (base.annotation, default)
    reward_name = name or definition.name
    cls = create_model(class_name(reward_name, "Judge"), __base__=JudgeReward, __module__=module or __name__, **fields)
    cls.name = reward_name
    summary = definition.description or definition.scenario or f"LLM judge {reward_name}"
    cls.description = (
        f"{summary}\n\nAn LLM judge (Principle-Critic-Score) with {len(definition.principles)} principles "
        "(listed below). Pointwise by default; --param mode=pairwise or mode=listwise for the other forms. "
        "Needs a model: --param model=... --param base_url=... (or RMG_MODEL / RMG_BASE_URL)."
    )
    cls.__doc__ = cls.description
    cls.example = definition.example or JudgeReward.example
    cls.mode = Mode(definition.mode or "pointwise")
    return cls
