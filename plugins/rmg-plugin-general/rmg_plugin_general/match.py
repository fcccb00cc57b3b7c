"""`general.exact_match` and `general.f1`: SQuAD-style answer matching.

Both follow the official SQuAD v1.1 evaluation script: normalise (case, punctuation, articles,
whitespace), then compare whole strings (exact match) or bags of whitespace tokens (F1); with
several acceptable answers the best one counts. Written here rather than imported because the
script is a dozen lines and every option must be switchable.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from pydantic import Field

import rmg

from .text import extract_answer, normalize_answer, references

__all__ = ["ExactMatch", "TokenF1"]


class _Normalised(rmg.Reward):
    """Parameters and helpers shared by the two SQuAD-style rewards."""

    lowercase: bool = Field(True, description="ignore case")
    remove_punctuation: bool = Field(True, description="ignore punctuation")
    remove_articles: bool = Field(True, description="ignore the articles a / an / the")
    collapse_whitespace: bool = Field(True, description="treat any run of whitespace as one space")
    answer_pattern: str | None = Field(
        None,
        description="regex; compare only its last match in the response (group 1 if it has one) "
        "instead of the whole response, e.g. 'answer is (.+)'",
    )

    def _norm(self, text: str) -> str:
        return normalize_answer(
            text,
            lowercase=self.lowercase,
            remove_punctuation=self.remove_punctuation,
            remove_articles=self.remove_articles,
            collapse_whitespace=self.collapse_whitespace,
        )

    def _inputs(self, sample: rmg.Sample, candidate: rmg.Candidate) -> tuple[str, list[str]]:
        golds = references(sample.reference, self.name)
        answer = extract_answer(candidate.content, self.answer_pattern, self.name)
        return self._norm(answer), [self._norm(g) for g in golds]


class ExactMatch(_Normalised):
    name: ClassVar[str] = "general.exact_match"
    description: ClassVar[str] = (
        "1.0 if the normalised response equals a normalised reference (SQuAD-style: case, "
        "punctuation, articles and whitespace ignored, each switchable); reference may be a list."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "Which city is the capital of France?",
        "response": "Paris.",
        "reference": ["Paris", "the city of Paris"],
    }

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        answer, golds = self._inputs(sample, candidate)
        hit = next((g for g in golds if g == answer), None)
        if hit is not None:
            return rmg.RewardResult(score=1.0, reason=f"matches the reference {hit!r} after normalisation")
        shown = answer if len(answer) <= 80 else answer[:77] + "..."
        return rmg.RewardResult(
            score=0.0, reason=f"normalised response {shown!r} matches none of {len(golds)} reference(s)"
        )


def token_f1(prediction: list[str], gold: list[str]) -> tuple[float, float, float]:
    """(f1, precision, recall) of two token bags, as in SQuAD: two empty bags count as a match."""
    if not prediction or not gold:
        same = float(prediction == gold)
        return same, same, same
    common = sum((Counter(prediction) & Counter(gold)).values())
    if common == 0:
        return 0.0, 0.0, 0.0
    precision = common / len(prediction)
    recall = common / len(gold)
    return 2 * precision * recall / (precision + recall), precision, recall


class TokenF1(_Normalised):
    name: ClassVar[str] = "general.f1"
    description: ClassVar[str] = (
        "Token-level F1 between the normalised response and reference (SQuAD-style bag of words); "
        "with several references the best F1 counts. Dimensions: precision, recall."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "Who wrote Hamlet?",
        "response": "It was written by William Shakespeare.",
        "reference": "William Shakespeare",
    }

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        answer, golds = self._inputs(sample, candidate)
        tokens = answer.split()
        best = max((token_f1(tokens, g.split()) + (i,) for i, g in enumerate(golds)), key=lambda t: t[0])
        f1, precision, recall, index = best
        which = f" (best of {len(golds)} references: #{int(index) + 1})" if len(golds) > 1 else ""
        return rmg.RewardResult(
            score=f1,
            reason=f"token F1 {f1:.3f}: precision {precision:.3f}, recall {recall:.3f}{which}",
            dimensions=[
                rmg.Dimension(name="precision", score=precision),
                rmg.Dimension(name="recall", score=recall),
            ],
        )
