"""Principle-Critic-Score LLM judges: the `judge` reward, judge definitions, templates, parsing."""

from __future__ import annotations

from .classes import judge_class
from .definition import JudgeDefinition, JudgeDefinitionError, load_definition
from .judge import JudgeReward

__all__ = ["JudgeDefinition", "JudgeDefinitionError", "JudgeReward", "judge_class", "load_definition"]
