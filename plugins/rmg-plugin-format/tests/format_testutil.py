"""Scoring one response with an installed reward, through the registry and its entry point."""

from __future__ import annotations

from typing import Any

import rmg


def score(
    name: str, response: str, reference: Any = None, prompt: str | None = None, **params: Any
) -> rmg.RewardResult:
    """Score one response with the installed reward `name` (created through the entry point)."""
    reward = rmg.create_reward(name, params)
    return reward(rmg.Sample.of(response, reference=reference, prompt=prompt))[0]
