"""Choosing among a sample's responses: rank them, keep the best N, or score a whole group (GRPO).

Each is one call over `evaluate`, so it takes the same samples (a `Sample` or a dict row) and the
same options (`RunnerOptions`). With a pairwise reward and more than two responses, set `pairing`
(see `rmg.core.pairing` for what each strategy costs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .pairing import Pairing
from .runner import RunnerOptions, evaluate
from .schema import BestOfN, RewardResult, Sample

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["best_of_n", "rank", "score_group"]


def rank(spec: Any, sample: Sample | dict[str, Any], **options: Unpack[RunnerOptions]) -> list[int]:
    """Candidate indices, best first; candidates whose scoring failed come last."""
    scored = next(evaluate(spec, [sample], **options))
    return scored.ranking


def best_of_n(spec: Any, sample: Sample | dict[str, Any], n: int = 1, **options: Unpack[RunnerOptions]) -> BestOfN:
    """Score every candidate and keep the `n` best that scored ok (in rank order); see `BestOfN`.

    With a pairwise reward and more than two responses, set `pairing` ("tournament" costs n - 1
    comparisons, "all_pairs" n(n-1)/2).
    """
    scored = next(evaluate(spec, [sample], **options))
    keep = [i for i in scored.ranking if scored.results[i].ok][: max(n, 1)]
    chosen = scored.sample.model_copy(update={"candidates": [scored.sample.candidates[i] for i in keep]})
    chosen.metadata = {**chosen.metadata, "best_of_n": {"kept": keep, "of": len(scored.results)}}
    return BestOfN(indices=keep, sample=chosen, results=[scored.results[i] for i in keep], scored=scored)


def score_group(
    spec: Any, group: Sample | dict[str, Any], *, pairing: Pairing | None = "all_pairs", **options: Any
) -> list[RewardResult]:
    """Score a prompt's whole group of responses in one call (GRPO), one result per response.

    Pointwise rewards score each response; a listwise reward ranks the group in one call; a pairwise
    reward compares them by `pairing`: "all_pairs" (average of pairwise wins, the default), "vote"
    (1.0 for the most wins) or "tournament". A trainer that scores many groups keeps one
    `Runner(spec, pairing=...)` and calls `await runner.ascore(group)` for each.
    """
    return next(evaluate(spec, [group], pairing=pairing, **options)).results
