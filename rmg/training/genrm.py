"""Generative reward-model (GenRM) training data and rewards: teach a model to be a judge with RL.

Preference data becomes verl RL data whose prompts are rmg's own judge templates
(`rmg.judges.templates`): the policy being trained writes a critique and a verdict, and the rewards
below grade the verdict against the label.

- pairwise rows (chosen / rejected: LLMBar, RM-Bench, HH-RLHF, or plain {prompt, chosen, rejected})
  -> the pairwise template, the two responses in a seeded random order, ground truth "A" or "B";
- pointwise rows (a response and per-attribute scores, HelpSteer2 style) -> the pointwise template
  on the attribute's scale, ground truth `{"score", "min", "max"}` as JSON.

Rewards (registered as rmg rewards by `rmg.training.plugin`):
- `genrm.pairwise`: 1.0 when the verdict names the preferred response, else 0.0; a reply without a
  verdict in the required format scores `format_score`.
- `genrm.pointwise`: 1 - |predicted - label| / (max - min); no readable score: `format_score`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pydantic import Field

from rmg.core.reward import InvalidInput, Reward
from rmg.core.schema import Candidate, Dimension, RewardResult, Sample
from rmg.judges.parse import JudgeParseError, parse_pairwise, parse_pointwise
from rmg.judges.templates import (
    DEFAULT_SYSTEM,
    DEFAULT_TEMPLATES,
    answer_format,
    format_principles,
    render,
)

__all__ = [
    "PairwiseVerdict",
    "PointwiseVerdict",
    "detect_kind",
    "pairwise_rows",
    "pointwise_items",
    "pointwise_rows",
    "to_pairs",
]

DATA_SOURCE_PAIRWISE = "rmg/genrm_pairwise"
DATA_SOURCE_POINTWISE = "rmg/genrm_pointwise"
HELPSTEER_ATTRIBUTES = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")


# -- reading the preference formats ------------------------------------------------------------------


def _split_dialogue(text: str) -> tuple[str, str]:
    """HH-RLHF: the dialogue up to the last 'Assistant:' turn, and that turn."""
    marker = "\n\nAssistant:"
    at = text.rfind(marker)
    if at < 0:
        raise InvalidInput("an HH-RLHF dialogue has no '\\n\\nAssistant:' turn")
    return text[:at].strip(), text[at + len(marker) :].strip()


def detect_kind(row: dict[str, Any]) -> str:
    """Which preference format a row is in: llmbar, rmbench, hh, pairs or pointwise."""
    if {"output_1", "output_2", "label"} <= set(row):
        return "llmbar"
    if {"chosen", "rejected"} <= set(row):
        if isinstance(row["chosen"], list) and isinstance(row["rejected"], list):
            return "rmbench"
        if "prompt" not in row and "question" not in row and isinstance(row["chosen"], str):
            return "hh"
        return "pairs"
    if ("response" in row or "answer" in row) and any(k in row for k in (*HELPSTEER_ATTRIBUTES, "score")):
        return "pointwise"
    raise InvalidInput(
        f"unknown preference row (keys: {', '.join(sorted(row))}); expected LLMBar (input, output_1, output_2, "
        "label), RM-Bench (prompt, chosen[], rejected[]), HH-RLHF (chosen, rejected dialogues), "
        "pairs (prompt, chosen, rejected) or pointwise (prompt, response, helpfulness/score...)"
    )


def to_pairs(row: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(prompt, chosen, rejected) triples of one pairwise row."""
    kind = detect_kind(row)
    if kind == "llmbar":
        label = int(row["label"])
        if label not in (1, 2):
            raise InvalidInput(f"LLMBar label must be 1 or 2, got {row['label']!r}")
        first, second = str(row["output_1"]), str(row["output_2"])
        chosen, rejected = (first, second) if label == 1 else (second, first)
        return [(str(row.get("input") or row.get("instruction") or ""), chosen, rejected)]
    if kind == "rmbench":
        return [(str(row["prompt"]), str(c), str(r)) for c, r in zip(row["chosen"], row["rejected"])]
    if kind == "hh":
        prompt, chosen = _split_dialogue(row["chosen"])
        _, rejected = _split_dialogue(row["rejected"])
        return [(prompt, chosen, rejected)]
    if kind == "pairs":
        return [(str(row.get("prompt") or row.get("question")), str(row["chosen"]), str(row["rejected"]))]
    raise InvalidInput("a pointwise row where preference pairs were expected")


def pointwise_items(row: dict[str, Any], attribute: str) -> tuple[str, str, float]:
    """(prompt, response, label) of one pointwise row."""
    if attribute not in row:
        raise InvalidInput(f"the row has no {attribute!r} score (keys: {', '.join(sorted(row))})")
    try:
        label = float(row[attribute])
    except (TypeError, ValueError):
        raise InvalidInput(f"{attribute!r} is not a number: {row[attribute]!r}") from None
    return str(row.get("prompt") or row.get("question") or ""), str(row.get("response") or row.get("answer")), label


# -- building verl rows -------------------------------------------------------------------------------


def _messages(system: str, user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _values(prompt: str, principles: list[str]) -> dict[str, Any]:
    return {
        "scenario_line": "",
        "principles": format_principles(principles),
        "conversation": prompt,
        "query": prompt,
        "question": prompt,
        "reference_block": "",
    }


def pairwise_rows(
    rows: Iterable[dict[str, Any]], *, principles: list[str] | None = None, seed: int = 0, split: str = "train"
) -> Iterator[dict[str, Any]]:
    """verl RL rows from pairwise preference rows; the preferred response is shown first half the time."""
    rng = random.Random(seed)
    fmt = answer_format("pairwise")
    index = 0
    for row in rows:
        for prompt, chosen, rejected in to_pairs(row):
            chosen_first = rng.random() < 0.5
            a, b = (chosen, rejected) if chosen_first else (rejected, chosen)
            text = render(
                DEFAULT_TEMPLATES["pairwise"],
                {
                    **_values(prompt, principles or []),
                    "response_a": a,
                    "answer_a": a,
                    "response_b": b,
                    "answer_b": b,
                    "format": fmt,
                },
            )
            yield {
                "data_source": DATA_SOURCE_PAIRWISE,
                "prompt": _messages(DEFAULT_SYSTEM, text),
                "ability": "judge",
                "reward_model": {"style": "rule", "ground_truth": "A" if chosen_first else "B"},
                "extra_info": {"split": split, "index": index, "kind": "pairwise"},
            }
            index += 1


def pointwise_rows(
    rows: Iterable[dict[str, Any]],
    *,
    attribute: str = "helpfulness",
    scale: tuple[float, float] = (0.0, 4.0),
    principles: list[str] | None = None,
    split: str = "train",
) -> Iterator[dict[str, Any]]:
    """verl RL rows from pointwise rows (the label on `scale`, HelpSteer2's 0-4 by default)."""
    low, high = scale
    fmt = answer_format("pointwise", scale_min=low, scale_max=high)
    for index, row in enumerate(rows):
        prompt, response, label = pointwise_items(row, attribute)
        if not low <= label <= high:
            raise InvalidInput(f"{attribute} = {label:g} is outside the scale {low:g}..{high:g}")
        values = {
            **_values(prompt, principles or [f"{attribute.capitalize()} of the response."]),
            "response": response,
            "answer": response,
            "scale_min": f"{low:g}",
            "scale_max": f"{high:g}",
            "format": fmt,
        }
        yield {
            "data_source": DATA_SOURCE_POINTWISE,
            "prompt": _messages(DEFAULT_SYSTEM, render(DEFAULT_TEMPLATES["pointwise"], values)),
            "ability": "judge",
            "reward_model": {"style": "rule", "ground_truth": json.dumps({"score": label, "min": low, "max": high})},
            "extra_info": {"split": split, "index": index, "kind": "pointwise", "attribute": attribute},
        }


# -- the rewards that grade the judge being trained --------------------------------------------------


class PairwiseVerdict(Reward):
    """1.0 when the judge's verdict names the preferred response (reference "A" or "B"), else 0.0."""

    name = "genrm.pairwise"
    description = (
        "Grades a generative judge's pairwise verdict: 1.0 if its final JSON/tag verdict names the preferred "
        "response (reference 'A' or 'B'), 0.0 for the other one or a tie, format_score when no verdict parses."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "(a pairwise judge prompt)",
        "response": 'B is more accurate. {"critique": "B is correct", "choice": "B"}',
        "reference": "B",
    }
    format_score: float = Field(0.0, description="score of a reply with no verdict in the required format")

    def score(self, sample: Sample, candidate: Candidate) -> RewardResult:
        expected = str(sample.reference or "").strip().upper()
        if expected not in ("A", "B"):
            raise InvalidInput(f"the reference must be 'A' or 'B', got {sample.reference!r}")
        try:
            choice = str(parse_pairwise(candidate.content).choice)
        except JudgeParseError as exc:
            return RewardResult(
                score=self.format_score, reason=f"no verdict: {exc}", dimensions=[Dimension(name="format", score=0.0)]
            )
        correct = choice == expected  # the parser gives "A", "B" or "tie"
        return RewardResult(
            score=1.0 if correct else 0.0,
            reason=f"picked {choice}, preferred {expected}",
            dimensions=[Dimension(name="format", score=1.0), Dimension(name="correct", score=float(correct))],
        )


class PointwiseVerdict(Reward):
    """1 - |predicted - label| / (max - min): how close the judge's score is to the labelled one."""

    name = "genrm.pointwise"
    description = (
        "Grades a generative judge's pointwise score against the label: 1 - |predicted - label| / (max - min), "
        "the reference being JSON {score, min, max} or a number (scale from the parameters); format_score when "
        "no score parses or it is off the scale."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "(a pointwise judge prompt)",
        "response": '{"critique": "good", "score": 3}',
        "reference": '{"score": 4, "min": 0, "max": 4}',
    }
    scale_min: float = Field(0.0, description="scale when the reference is a bare number")
    scale_max: float = Field(4.0, description="scale when the reference is a bare number")
    format_score: float = Field(0.0, description="score of a reply with no readable score")

    def _label(self, reference: Any) -> tuple[float, float, float]:
        ref = reference
        if isinstance(ref, str) and ref.strip().startswith("{"):
            ref = json.loads(ref)
        if isinstance(ref, dict):
            return float(ref["score"]), float(ref.get("min", self.scale_min)), float(ref.get("max", self.scale_max))
        try:
            return float(ref), self.scale_min, self.scale_max
        except (TypeError, ValueError):
            raise InvalidInput(f"the reference must be a score or {{score, min, max}}, got {reference!r}") from None

    def score(self, sample: Sample, candidate: Candidate) -> RewardResult:
        label, low, high = self._label(sample.reference)
        if high <= low:
            raise InvalidInput(f"empty scale {low:g}..{high:g}")
        try:
            predicted = parse_pointwise(candidate.content, low, high).score
        except JudgeParseError as exc:
            return RewardResult(
                score=self.format_score, reason=f"no score: {exc}", dimensions=[Dimension(name="format", score=0.0)]
            )
        closeness = 1.0 - abs(predicted - label) / (high - low)
        return RewardResult(
            score=closeness,
            reason=f"predicted {predicted:g}, label {label:g} on {low:g}..{high:g}",
            dimensions=[Dimension(name="format", score=1.0), Dimension(name="closeness", score=closeness)],
        )
