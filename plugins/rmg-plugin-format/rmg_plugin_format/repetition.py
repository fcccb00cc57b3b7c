"""`format.repetition`: the n-gram repetition penalty of open-r1 (Yeo et al. 2025, appendix C.2).

    penalty = (1 - distinct_ngrams / total_ngrams) * max_penalty

over the lower-cased whitespace tokens (open-r1's `get_repetition_penalty_reward`), so 0.0 for a
response without a repeated n-gram and `max_penalty` (<= 0) for one n-gram repeated forever. Like
open-r1, a response shorter than n tokens scores 0.0. `tokenizer="words"` counts words instead
(punctuation dropped, each CJK character a word), which is what makes the penalty see repetition
in Chinese or Japanese text, where whitespace splitting gives one giant token.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

import rmg

from .text import words

__all__ = ["Repetition", "repetition_fraction"]


def repetition_fraction(tokens: list[str], n: int) -> tuple[float, int]:
    """(1 - distinct / total n-grams, total n-grams); (0.0, 0) when there are fewer than n tokens."""
    total = len(tokens) - n + 1
    if total <= 0:
        return 0.0, 0
    distinct = len({tuple(tokens[i : i + n]) for i in range(total)})
    return 1.0 - distinct / total, total


class Repetition(rmg.Reward):
    """0.0 for no repeated n-grams, down to max_penalty for a response that only repeats itself."""

    name: ClassVar[str] = "format.repetition"
    mode: ClassVar[rmg.Mode] = rmg.Mode.pointwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "N-gram repetition penalty (open-r1): (1 - distinct n-grams / total n-grams) * max_penalty, "
        "so 0.0 without repetition and max_penalty (<= 0) at the worst."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "Say something.",
        "response": "I think that I think that I think that this is fine.",
    }

    n: int = Field(3, ge=1, description="n-gram size (open-r1 uses 3)")
    max_penalty: float = Field(-1.0, le=0.0, description="the penalty for full repetition; must not be positive")
    tokenizer: Literal["whitespace", "words"] = Field(
        "whitespace", description="whitespace: lower-cased split() as open-r1; words: words, CJK per character"
    )

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        text = candidate.content.lower()
        tokens = text.split() if self.tokenizer == "whitespace" else words(text)
        fraction, total = repetition_fraction(tokens, self.n)
        details = {"repeated_fraction": round(fraction, 6), "ngrams": total}
        if total == 0:
            reason = f"fewer than {self.n} tokens: nothing to repeat"
        else:
            reason = f"{fraction:.1%} of {total} {self.n}-grams are repeats"
        return rmg.RewardResult(score=fraction * self.max_penalty + 0.0, reason=reason, details=details)
