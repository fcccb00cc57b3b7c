"""OpenRLHF's remote reward protocol: `{"query", "prompts", "labels"}` -> `{"rewards", "scores", "extra_logs"}`.

OpenRLHF sends each sample as `query` = prompt + response (chat template applied) with the
`prompt` alone beside it; the response is what follows the prompt. A failed sample's reward is 0.0
(OpenRLHF needs a number) and its status is flagged in `extra_logs`, which OpenRLHF logs per
step, so a timeout or an error is visible in the training logs rather than a silent 0.
"""

from __future__ import annotations

from typing import Any

from rmg.core.schema import RewardStatus, ScoredSample

from .models import OpenRLHFRequest

__all__ = ["to_response", "to_rows"]


def split_response(query: str, prompt: str | None) -> str:
    """The response part of `query`: what follows the prompt (the whole query if no prompt is found)."""
    if not prompt:
        return query
    if query.startswith(prompt):
        return query[len(prompt) :]
    at = query.rfind(prompt)  # a tokenizer round-trip may have added a BOS or whitespace in front
    return query[at + len(prompt) :] if at >= 0 else query


def to_rows(body: OpenRLHFRequest) -> list[dict[str, Any]]:
    """Rows for the runner; raises ValueError when the lists differ in length."""
    n = len(body.query)
    for name in ("prompts", "labels", "datasources"):
        values = getattr(body, name)
        if values is not None and len(values) != n:
            raise ValueError(f"'{name}' has {len(values)} items but 'query' has {n}; they must match one to one")
    rows = []
    for i, query in enumerate(body.query):
        prompt = body.prompts[i] if body.prompts is not None else None
        row: dict[str, Any] = {"id": i, "response": split_response(query, prompt), "prompt": prompt or ""}
        if body.labels is not None:
            row["reference"] = body.labels[i]
        if body.datasources is not None and body.datasources[i] is not None:
            row["task"] = body.datasources[i]
        rows.append(row)
    return rows


def to_response(scored: list[ScoredSample]) -> dict[str, Any]:
    rewards = []
    flags: dict[str, list[float]] = {f"rmg_{s.value}": [] for s in RewardStatus}
    for item in scored:
        result = item.results[0]
        rewards.append(result.score if result.ok else 0.0)
        for status in RewardStatus:
            flags[f"rmg_{status.value}"].append(1.0 if result.status is status else 0.0)
    return {"rewards": rewards, "scores": list(rewards), "extra_logs": flags}
