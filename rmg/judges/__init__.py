"""Principle-Critic-Score LLM judges: the `judge` reward, judge definitions, templates, parsing."""

from __future__ import annotations

from .definition import JudgeDefinition, JudgeDefinitionError, load_definition
from .judge import JudgeReward, judge_class

__all__ = ["JudgeDefinition", "JudgeDefinitionError", "JudgeReward", "judge_class", "load_definition"]
