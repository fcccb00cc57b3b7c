"""`general.bleu`: sentence-level BLEU of the response against one or more references.

Computed by sacrebleu (`BLEU.sentence_score` with effective order), the reference implementation
whose tokenisers and smoothing make scores comparable across papers; a home-made BLEU would drift
from it in exactly those details. The metric object is built once per process and parameter set.
The score is sacrebleu's 0-100 BLEU divided by 100; the per-order counts and totals are kept in
`details`, so summing them over a data set gives corpus BLEU.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar, Literal

from pydantic import Field

import rmg

from .text import references

__all__ = ["Bleu"]


@lru_cache(maxsize=16)
def _metric(tokenize: str, smooth_method: str, smooth_value: float | None, lowercase: bool, order: int) -> Any:
    from sacrebleu.metrics import BLEU  # imported here: only this reward pays for it

    return BLEU(
        tokenize=tokenize,
        smooth_method=smooth_method,
        smooth_value=smooth_value,
        lowercase=lowercase,
        max_ngram_order=order,
        effective_order=True,  # sentence BLEU: skip n-gram orders longer than the sentence
    )


class Bleu(rmg.Reward):
    name: ClassVar[str] = "general.bleu"
    description: ClassVar[str] = (
        "Sentence BLEU (sacrebleu, 0-1) of the response against the reference(s); dimensions: the "
        "n-gram precisions and the brevity penalty."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "Translate to English: Der Hund biss den Mann.",
        "response": "The dog bit the man.",
        "reference": ["The dog bit the man.", "The dog had bit the man."],
    }

    tokenize: Literal["13a", "intl", "zh", "char", "none"] = Field(
        "13a", description="sacrebleu tokeniser (13a: the WMT standard; zh / char for Chinese)"
    )
    smooth_method: Literal["exp", "floor", "add-k", "none"] = Field(
        "exp", description="smoothing for zero n-gram matches (sacrebleu's sentence default: exp)"
    )
    smooth_value: float | None = Field(None, description="value for floor / add-k smoothing (None: default)")
    lowercase: bool = Field(False, description="compare case-insensitively")
    max_ngram_order: int = Field(4, ge=1, le=8, description="longest n-gram counted")

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        refs = references(sample.reference, self.name)
        metric = _metric(self.tokenize, self.smooth_method, self.smooth_value, self.lowercase, self.max_ngram_order)
        result = metric.sentence_score(candidate.content, refs)
        score = min(max(result.score / 100.0, 0.0), 1.0)  # 100.00000000000004 happens
        precisions = [p / 100.0 for p in result.precisions]
        return rmg.RewardResult(
            score=score,
            reason=f"BLEU {result.score:.2f}: n-gram precisions "
            + "/".join(f"{p * 100:.1f}" for p in precisions)
            + f", brevity penalty {result.bp:.3f} ({result.sys_len} vs {result.ref_len} reference tokens)",
            dimensions=[rmg.Dimension(name=f"precision_{i + 1}", score=p) for i, p in enumerate(precisions)]
            + [rmg.Dimension(name="brevity_penalty", score=float(result.bp))],
            details={
                "counts": list(result.counts),
                "totals": list(result.totals),
                "sys_len": result.sys_len,
                "ref_len": result.ref_len,
            },
        )
